using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Realtime;

/// <summary>
/// Conversation and member events reach every connected device of every member at that moment, and
/// nobody else: not non-members, not other tenants' users with the same IDs, not a member after its removal.
/// </summary>
public sealed class ConversationFanOutTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Conversation_and_member_events_reach_every_device_of_every_member_and_nobody_else()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, aliceToken) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var (_, carolToken) = await Kit.UserAsync(tenant, "carol");
        var (_, eveToken) = await Kit.UserAsync(tenant, "eve");
        var (zed, _) = await Kit.UserAsync(tenant, "zed");
        var eveBarrier = await tenant.CreateConversationAsync(zed, "direct", "eve");
        var carolBarrier = await tenant.CreateConversationAsync(zed, "direct", "carol");

        var other = await server.NewTenantAsync();
        var otherAliceToken = await other.TokenAsync("alice");
        var otherBobToken = await other.TokenAsync("bob");

        await using var alice1 = await Device.ConnectAsync(server, aliceToken, "alice");
        await using var alice2 = await Device.ConnectAsync(server, aliceToken, "alice");
        await using var bob = await Device.ConnectAsync(server, bobToken, "bob");
        await using var carol = await Device.ConnectAsync(server, carolToken, "carol");
        await using var eve = await Device.ConnectAsync(server, eveToken, "eve");
        await using var otherAlice = await Device.ConnectAsync(server, otherAliceToken, "alice");
        await using var otherBob = await Device.ConnectAsync(server, otherBobToken, "bob");
        var members = new[] { alice1, alice2, bob };

        var created = await alice.PostJsonAsync("/v1/conversations", new { type = "group", participantIds = Kit.List("bob"), title = "Plans" }).ExpectJson(201);
        var group = created.Str("id");
        foreach (var device in members)
        {
            var payload = Kit.Payload(await device.EventAsync("conversation.created", p => p.Str("id") == group));
            Assert.Equal("Plans", payload.Str("title"));
            Assert.Equal("group", payload.Str("type"));
        }

        await alice.PatchJsonAsync($"/v1/conversations/{group}", new { title = "Better plans" }).ExpectJson(200);
        foreach (var device in members)
            await device.EventAsync("conversation.updated", p => p.Str("id") == group && p.StrOrNull("title") == "Better plans");

        await alice.PostJsonAsync($"/v1/conversations/{group}/members", new { userIds = Kit.List("carol") }).ExpectJson(201);
        members = [alice1, alice2, bob, carol];
        foreach (var device in members)
        {
            var payload = Kit.Payload(await device.EventAsync("conversation.member.added", p => p.Str("conversationId") == group));
            Assert.Equal("carol", payload.GetProperty("member").GetProperty("user").Str("id"));
            Assert.Equal("member", payload.GetProperty("member").Str("role"));
        }

        await alice.PatchJsonAsync($"/v1/conversations/{group}/members/bob", new { role = "moderator" }).ExpectJson(200);
        foreach (var device in members)
        {
            var payload = Kit.Payload(await device.EventAsync("conversation.member.updated", p => p.Str("conversationId") == group));
            Assert.Equal("bob", payload.GetProperty("member").GetProperty("user").Str("id"));
            Assert.Equal("moderator", payload.GetProperty("member").Str("role"));
        }

        await alice.PatchJsonAsync($"/v1/conversations/{group}/avatar", new { avatarUrl = "https://example.com/plans.png" }).ExpectJson(200);
        foreach (var device in members)
            await device.EventAsync("conversation.updated", p => p.Str("id") == group && p.StrOrNull("avatarUrl") == "https://example.com/plans.png");

        await alice.DeleteAsync($"/v1/conversations/{group}/members/carol").Expect(204);
        foreach (var device in members)
        {
            var payload = Kit.Payload(await device.EventAsync("conversation.member.removed", p => p.Str("conversationId") == group));
            Assert.Equal("carol", payload.Str("userId"));
        }
        members = [alice1, alice2, bob];

        await alice.PatchJsonAsync($"/v1/conversations/{group}", new { title = "Without carol" }).ExpectJson(200);
        foreach (var device in members)
            await device.EventAsync("conversation.updated", p => p.Str("id") == group && p.StrOrNull("title") == "Without carol");

        await alice.DeleteAsync($"/v1/conversations/{group}").Expect(204);
        foreach (var device in members)
            Assert.Equal(group, Kit.Payload(await device.EventAsync("conversation.deleted", p => p.Str("conversationId") == group)).Str("conversationId"));

        // Barriers: a later event each outsider does get proves that everything before it was routed.
        var toEve = await tenant.SendAsync(zed, eveBarrier, "barrier");
        var toCarol = await tenant.SendAsync(zed, carolBarrier, "barrier");
        await eve.MessageCreatedAsync(toEve.Str("id"));
        await carol.MessageCreatedAsync(toCarol.Str("id"));
        await otherAlice.SettleAsync(Kit.Quiet);
        await otherBob.SettleAsync(Kit.Quiet);

        Assert.DoesNotContain(eve.Durable, f => Kit.ConversationOf(f) == group);
        var carolGroupEvents = carol.Durable.Where(f => Kit.ConversationOf(f) == group).ToList();
        Assert.Equal("conversation.member.added", Kit.Type(carolGroupEvents[0]));
        Assert.Equal("conversation.member.removed", Kit.Type(carolGroupEvents[^1]));
        Assert.Equal("carol", Kit.Payload(carolGroupEvents[^1]).Str("userId"));
        Assert.DoesNotContain(carolGroupEvents, f => Kit.Type(f) == "conversation.deleted"
            || Kit.Type(f) == "conversation.updated" && Kit.Payload(f).StrOrNull("title") == "Without carol");
        Assert.Empty(otherAlice.Durable);
        Assert.Empty(otherBob.Durable);

        // Every member device saw exactly the log's events of the group, once each, in order.
        var log = await server.ReadAsync(tenant.Id, alice1.ReadySeq);
        foreach (var device in new[] { alice1, alice2, bob })
        {
            device.AssertDurableExactly(log.Where(e => e.ConversationId == group || e.UserId == device.UserId).Select(e => e.Position), alice1.ReadySeq);
        }
    }

    [Fact]
    public async Task A_removed_or_banned_member_gets_its_own_removal_and_nothing_after_it()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var (carolHttp, carolToken) = await Kit.UserAsync(tenant, "carol");
        var (zed, _) = await Kit.UserAsync(tenant, "zed");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob", "carol");
        var bobBarrier = await tenant.CreateConversationAsync(zed, "direct", "bob");
        var carolBarrier = await tenant.CreateConversationAsync(zed, "direct", "carol");

        await using var bob = await Device.ConnectAsync(server, bobToken, "bob");
        await using var carol = await Device.ConnectAsync(server, carolToken, "carol");

        await alice.PatchJsonAsync($"/v1/conversations/{group}/members/bob", new { bannedUntil = server.Clock.GetUtcNow().AddHours(1) }).ExpectJson(200);
        await bob.EventAsync("conversation.member.removed", p => p.Str("conversationId") == group && p.Str("userId") == "bob");
        await carolHttp.DeleteAsync($"/v1/conversations/{group}/members/carol").Expect(204);
        await carol.EventAsync("conversation.member.removed", p => p.Str("conversationId") == group && p.Str("userId") == "carol");

        var after = await tenant.SendAsync(alice, group, "you are gone");
        await alice.PatchJsonAsync($"/v1/conversations/{group}", new { title = "Later" }).ExpectJson(200);
        await alice.PostJsonAsync($"/v1/conversations/{group}/read", new { }).ExpectJson(200);

        var toBob = await tenant.SendAsync(zed, bobBarrier, "barrier");
        var toCarol = await tenant.SendAsync(zed, carolBarrier, "barrier");
        await bob.MessageCreatedAsync(toBob.Str("id"));
        await carol.MessageCreatedAsync(toCarol.Str("id"));

        foreach (var device in new[] { bob, carol })
        {
            var removal = device.Durable.Single(f => Kit.Type(f) == "conversation.member.removed" && Kit.Payload(f).Str("userId") == device.UserId);
            Assert.DoesNotContain(device.Durable, f => Kit.Seq(f) > Kit.Seq(removal) && Kit.ConversationOf(f) == group);
            Assert.DoesNotContain(device.Durable, f => Kit.Type(f) == "message.created" && Kit.Payload(f).Str("id") == after.Str("id"));
        }
    }

    [Fact]
    public async Task Own_settings_changes_reach_only_the_users_own_devices()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, aliceToken) = await Kit.UserAsync(tenant, "alice");
        var (bobHttp, bobToken) = await Kit.UserAsync(tenant, "bob");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var direct = await tenant.CreateConversationAsync(alice, "direct", "bob");

        await using var aliceDevice = await Device.ConnectAsync(server, aliceToken, "alice");
        await using var bob1 = await Device.ConnectAsync(server, bobToken, "bob");
        await using var bob2 = await Device.ConnectAsync(server, bobToken, "bob");

        await bobHttp.PatchJsonAsync($"/v1/conversations/{group}", new { pinned = true }).ExpectJson(200);
        foreach (var device in new[] { bob1, bob2 })
            Assert.True(Kit.Payload(await device.EventAsync("conversation.updated", p => p.Str("id") == group)).GetProperty("pinned").GetBoolean());

        await bobHttp.PatchJsonAsync($"/v1/conversations/{group}", new { muted = true }).ExpectJson(200);
        foreach (var device in new[] { bob1, bob2 })
            await device.EventAsync("conversation.updated", p => p.Str("id") == group && p.GetProperty("muted").GetBoolean());

        await bobHttp.PatchJsonAsync($"/v1/conversations/{group}", new { archived = true }).ExpectJson(200);
        foreach (var device in new[] { bob1, bob2 })
            await device.EventAsync("conversation.updated", p => p.Str("id") == group && p.GetProperty("archived").GetBoolean());

        // Deleting a direct conversation archives it for the caller only.
        await bobHttp.DeleteAsync($"/v1/conversations/{direct}").Expect(204);
        foreach (var device in new[] { bob1, bob2 })
            await device.EventAsync("conversation.updated", p => p.Str("id") == direct && p.GetProperty("archived").GetBoolean());

        // A message alice sends afterwards reaches her after any earlier event would have.
        var marker = await tenant.SendAsync(alice, group, "marker");
        await aliceDevice.MessageCreatedAsync(marker.Str("id"));
        Assert.DoesNotContain(aliceDevice.Durable, f => Kit.Type(f) == "conversation.updated");
        Assert.Equal(Kit.List("message.created"), aliceDevice.Durable.Select(Kit.Type));
    }

    [Fact]
    public async Task Users_of_another_tenant_with_the_same_ids_never_see_this_tenants_events()
    {
        var first = await server.NewTenantAsync();
        var second = await server.NewTenantAsync();
        var (alice1Http, alice1Token) = await Kit.UserAsync(first, "alice");
        var (_, bob1Token) = await Kit.UserAsync(first, "bob");
        var (alice2Http, alice2Token) = await Kit.UserAsync(second, "alice");
        var (_, bob2Token) = await Kit.UserAsync(second, "bob");

        await using var firstAlice = await Device.ConnectAsync(server, alice1Token, "alice");
        await using var firstBob = await Device.ConnectAsync(server, bob1Token, "bob");
        await using var secondAlice = await Device.ConnectAsync(server, alice2Token, "alice");
        await using var secondBob = await Device.ConnectAsync(server, bob2Token, "bob");

        var firstGroup = await first.CreateConversationAsync(alice1Http, "group", "bob");
        var secondGroup = await second.CreateConversationAsync(alice2Http, "group", "bob");
        var firstMessage = await first.SendAsync(alice1Http, firstGroup, "first tenant");
        var secondMessage = await second.SendAsync(alice2Http, secondGroup, "second tenant");
        await alice1Http.PostJsonAsync($"/v1/conversations/{firstGroup}/read", new { }).ExpectJson(200);
        var lastFirst = await first.SendAsync(alice1Http, firstGroup, "first again");
        var lastSecond = await second.SendAsync(alice2Http, secondGroup, "second again");

        foreach (var device in new[] { firstAlice, firstBob }) await device.MessageCreatedAsync(lastFirst.Str("id"));
        foreach (var device in new[] { secondAlice, secondBob }) await device.MessageCreatedAsync(lastSecond.Str("id"));
        foreach (var device in new[] { firstAlice, firstBob, secondAlice, secondBob }) await device.SettleAsync(Kit.Quiet);

        foreach (var device in new[] { firstAlice, firstBob })
        {
            Assert.All(device.Durable, f => Assert.Equal(firstGroup, Kit.ConversationOf(f)));
            Assert.DoesNotContain(device.Durable, f => Kit.Type(f) == "message.created" && Kit.Payload(f).Str("id") == secondMessage.Str("id"));
        }
        foreach (var device in new[] { secondAlice, secondBob })
        {
            Assert.All(device.Durable, f => Assert.Equal(secondGroup, Kit.ConversationOf(f)));
            Assert.DoesNotContain(device.Durable, f => Kit.Type(f) == "message.created" && Kit.Payload(f).Str("id") == firstMessage.Str("id"));
            Assert.DoesNotContain(device.Durable, f => Kit.Type(f) is "unread.updated" or "message.receipt");
        }
    }
}
