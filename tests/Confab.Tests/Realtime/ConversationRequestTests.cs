using Confab.Tests.Infrastructure;

namespace Confab.Tests.Realtime;

/// <summary>conversation.subscribe / unsubscribe, conversation.member.update and conversation.avatar.update over the socket.</summary>
public sealed class ConversationRequestTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Subscribing_to_a_public_channel_streams_its_events_to_a_non_member_until_unsubscribed()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (_, eveToken) = await Kit.UserAsync(tenant, "eve");
        var (zed, _) = await Kit.UserAsync(tenant, "zed");
        var channel = (await alice.PostJsonAsync("/v1/conversations", new { type = "channel", participantIds = Kit.List("zed"), publicUsername = "news" })
            .ExpectJson(201)).Str("id");
        var barrier = await tenant.CreateConversationAsync(zed, "direct", "eve");
        await using var eve = await Device.ConnectAsync(server, eveToken, "eve");

        var subscribed = await eve.AckedAsync("conversation.subscribe", new { conversationId = channel });
        Assert.Equal(channel, subscribed.Str("conversationId"));
        var news = await tenant.SendAsync(alice, channel, "breaking");
        Assert.Equal("breaking", Kit.Payload(await eve.MessageCreatedAsync(news.Str("id"))).Str("text"));

        var unsubscribed = await eve.AckedAsync("conversation.unsubscribe", new { conversationId = channel });
        Assert.Equal(channel, unsubscribed.Str("conversationId"));
        var later = await tenant.SendAsync(alice, channel, "old news");
        var marker = await tenant.SendAsync(zed, barrier, "marker");
        await eve.MessageCreatedAsync(marker.Str("id"));
        Assert.DoesNotContain(eve.Durable, f => Kit.Type(f) == "message.created" && Kit.Payload(f).Str("id") == later.Str("id"));
    }

    [Fact]
    public async Task A_subscriber_who_is_or_becomes_a_member_gets_each_event_once()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (eveHttp, eveToken) = await Kit.UserAsync(tenant, "eve");
        var channel = (await alice.PostJsonAsync("/v1/conversations", new { type = "channel", participantIds = Array.Empty<string>(), publicUsername = "town_square" })
            .ExpectJson(201)).Str("id");
        await using var eve = await Device.ConnectAsync(server, eveToken, "eve");

        await eve.AckedAsync("conversation.subscribe", new { conversationId = channel });
        var before = await tenant.SendAsync(alice, channel, "before joining");
        await eve.MessageCreatedAsync(before.Str("id"));
        await eveHttp.PostJsonAsync($"/v1/conversations/{channel}/members", new { userIds = Kit.List("eve") }).ExpectJson(201);
        var after = await tenant.SendAsync(alice, channel, "after joining");
        await eve.MessageCreatedAsync(after.Str("id"));
        await eve.SettleAsync(Kit.Quiet);

        var seqs = eve.Durable.Select(Kit.Seq).ToList();
        Assert.Equal(seqs.Distinct().Count(), seqs.Count);
        Kit.AssertStrictlyIncreasing(seqs);
        Assert.Single(eve.Durable, f => Kit.Type(f) == "conversation.member.added");
        Assert.Single(eve.Durable, f => Kit.Type(f) == "message.created" && Kit.Payload(f).Str("id") == after.Str("id"));
    }

    [Fact]
    public async Task Subscribing_to_a_conversation_the_user_cannot_see_is_refused()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        await tenant.UpsertUserAsync("bob");
        var (_, eveToken) = await Kit.UserAsync(tenant, "eve");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var privateChannel = await tenant.CreateConversationAsync(alice, "channel", "bob");
        var otherTenant = await server.NewTenantAsync();
        var (otherAlice, _) = await Kit.UserAsync(otherTenant, "alice");
        var foreign = await otherTenant.CreateConversationAsync(otherAlice, "group", "alice");
        await using var eve = await Device.ConnectAsync(server, eveToken, "eve");

        await eve.RefusedAsync("conversation.subscribe", new { conversationId = group }, "CONVERSATION_NOT_FOUND");
        await eve.RefusedAsync("conversation.subscribe", new { conversationId = privateChannel }, "CONVERSATION_NOT_FOUND");
        await eve.RefusedAsync("conversation.subscribe", new { conversationId = foreign }, "CONVERSATION_NOT_FOUND");
        await eve.RefusedAsync("conversation.subscribe", new { }, "VALIDATION_FAILED");

        await tenant.SendAsync(alice, group, "secret");
        await eve.SettleAsync(Kit.Quiet);
        Assert.Empty(eve.Durable);
    }

    [Fact]
    public async Task A_member_that_subscribed_gets_nothing_of_the_conversation_after_its_removal()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var (zed, _) = await Kit.UserAsync(tenant, "zed");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var barrier = await tenant.CreateConversationAsync(zed, "direct", "bob");
        await using var bob = await Device.ConnectAsync(server, bobToken, "bob");
        await bob.AckedAsync("conversation.subscribe", new { conversationId = group });

        await alice.DeleteAsync($"/v1/conversations/{group}/members/bob").Expect(204);
        await bob.EventAsync("conversation.member.removed", p => p.Str("userId") == "bob");
        var secret = await tenant.SendAsync(alice, group, "after bob left");
        await alice.PatchJsonAsync($"/v1/conversations/{group}", new { title = "Bob-free" }).ExpectJson(200);
        var marker = await tenant.SendAsync(zed, barrier, "marker");
        await bob.MessageCreatedAsync(marker.Str("id"));

        var leaked = bob.Durable.Where(f => Kit.ConversationOf(f) == group && Kit.Type(f) != "conversation.member.removed").Select(Kit.Type).ToList();
        Assert.False(leaked.Any(t => t is "message.created" or "conversation.updated"),
            $"bob was removed but still received [{string.Join(", ", leaked)}] of the group (e.g. message {secret.Str("id")}) through his subscription");
    }

    [Fact]
    public async Task Member_update_over_the_socket_is_acked_with_the_member_announced_and_enforced_like_rest()
    {
        var tenant = await server.NewTenantAsync();
        var (_, aliceToken) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var (_, carolToken) = await Kit.UserAsync(tenant, "carol");
        var group = await tenant.CreateConversationAsync(server.WithSession(aliceToken), "group", "bob", "carol");
        await using var alice = await Device.ConnectAsync(server, aliceToken, "alice");
        await using var bob = await Device.ConnectAsync(server, bobToken, "bob");
        await using var carol = await Device.ConnectAsync(server, carolToken, "carol");

        var member = await alice.AckedAsync("conversation.member.update", new { conversationId = group, userId = "bob", role = "moderator", title = "Keeper" });
        Assert.Equal("bob", member.GetProperty("user").Str("id"));
        Assert.Equal("moderator", member.Str("role"));
        Assert.Equal("Keeper", member.Str("title"));
        foreach (var device in new[] { alice, bob, carol })
        {
            var payload = Kit.Payload(await device.EventAsync("conversation.member.updated", p => p.GetProperty("member").GetProperty("user").Str("id") == "bob"));
            Assert.Equal(group, payload.Str("conversationId"));
            Assert.Equal("moderator", payload.GetProperty("member").Str("role"));
        }

        // Same rules as REST: a plain member manages nobody; a muted member cannot post.
        await carol.RefusedAsync("conversation.member.update", new { conversationId = group, userId = "bob", role = "member" }, "MISSING_PERMISSION", "RANK_TOO_LOW");
        await bob.RefusedAsync("conversation.member.update", new { conversationId = group, userId = "alice", mutedUntil = server.Clock.GetUtcNow().AddHours(1) }, "OWNER_ONLY");
        await alice.RefusedAsync("conversation.member.update", new { conversationId = group, userId = "bob", role = "emperor" }, "VALIDATION_FAILED");
        await alice.RefusedAsync("conversation.member.update", new { conversationId = group, userId = "nobody", role = "member" }, "MEMBER_NOT_FOUND");
        await alice.RefusedAsync("conversation.member.update", new { conversationId = group, role = "member" }, "VALIDATION_FAILED");

        await bob.AckedAsync("conversation.member.update", new { conversationId = group, userId = "carol", mutedUntil = server.Clock.GetUtcNow().AddHours(1) });
        await carol.EventAsync("conversation.member.updated", p => p.GetProperty("member").GetProperty("user").Str("id") == "carol");
        await carol.RefusedAsync("message.send", new { conversationId = group, text = "let me talk" }, "MEMBER_MUTED");
        await server.WithSession(carolToken).PostJsonAsync($"/v1/conversations/{group}/messages", new { text = "rest too" }).ExpectProblem(403, "MEMBER_MUTED");

        await bob.AckedAsync("conversation.member.update", new { conversationId = group, userId = "carol", bannedUntil = server.Clock.GetUtcNow().AddHours(1) });
        await carol.EventAsync("conversation.member.removed", p => p.Str("userId") == "carol");
        await carol.RefusedAsync("message.send", new { conversationId = group, text = "banned" }, "CONVERSATION_NOT_FOUND", "NOT_A_MEMBER");
    }

    [Fact]
    public async Task Avatar_update_over_the_socket_is_acked_with_the_conversation_and_announced()
    {
        var tenant = await server.NewTenantAsync();
        var (_, aliceToken) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var aliceHttp = server.WithSession(aliceToken);
        var group = await tenant.CreateConversationAsync(aliceHttp, "group", "bob");
        var direct = await tenant.CreateConversationAsync(aliceHttp, "direct", "bob");
        await using var alice = await Device.ConnectAsync(server, aliceToken, "alice");
        await using var bob = await Device.ConnectAsync(server, bobToken, "bob");
        var before = await server.LastPositionAsync(tenant.Id);

        await bob.RefusedAsync("conversation.avatar.update", new { conversationId = group, avatarUrl = "https://example.com/b.png" }, "MISSING_PERMISSION");
        await alice.RefusedAsync("conversation.avatar.update", new { conversationId = group, avatarUrl = "not a url" }, "VALIDATION_FAILED");
        await alice.RefusedAsync("conversation.avatar.update", new { conversationId = direct, avatarUrl = "https://example.com/d.png" }, "DIRECT_CONVERSATION");
        Assert.Equal(before, await server.LastPositionAsync(tenant.Id));

        var conversation = await alice.AckedAsync("conversation.avatar.update", new { conversationId = group, avatarUrl = "https://example.com/a.png" });
        Assert.Equal(group, conversation.Str("id"));
        Assert.Equal("https://example.com/a.png", conversation.Str("avatarUrl"));
        foreach (var device in new[] { alice, bob })
            await device.EventAsync("conversation.updated", p => p.Str("id") == group && p.StrOrNull("avatarUrl") == "https://example.com/a.png");
        Assert.Equal("https://example.com/a.png", (await aliceHttp.GetAsync($"/v1/conversations/{group}").ExpectJson(200)).Str("avatarUrl"));
    }
}
