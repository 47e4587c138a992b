using System.Diagnostics;
using System.Globalization;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Realtime;

/// <summary>Typing: an ephemeral event to the conversation's other members (not the typer, not outsiders) that lapses by itself after 6 s.</summary>
public sealed class TypingTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Typing_reaches_the_other_members_devices_with_expiresAt_but_not_the_typer_or_outsiders()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, aliceToken) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var (_, carolToken) = await Kit.UserAsync(tenant, "carol");
        var (_, eveToken) = await Kit.UserAsync(tenant, "eve");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob", "carol");
        var other = await server.NewTenantAsync();
        var (_, otherBobToken) = await Kit.UserAsync(other, "bob");

        await using var alice1 = await Device.ConnectAsync(server, aliceToken, "alice");
        await using var alice2 = await Device.ConnectAsync(server, aliceToken, "alice");
        await using var bob1 = await Device.ConnectAsync(server, bobToken, "bob");
        await using var bob2 = await Device.ConnectAsync(server, bobToken, "bob");
        await using var carol = await Device.ConnectAsync(server, carolToken, "carol");
        await using var eve = await Device.ConnectAsync(server, eveToken, "eve");
        await using var otherBob = await Device.ConnectAsync(server, otherBobToken, "bob");

        var before = server.Clock.GetUtcNow();
        Assert.Equal("ack", Kit.Type(await alice1.RequestAsync("typing", new { conversationId = group, isTyping = true })));
        foreach (var device in new[] { bob1, bob2, carol })
        {
            var typing = await device.EventAsync("typing", p => p.Str("userId") == "alice");
            Assert.False(Kit.IsDurable(typing), "typing is ephemeral and carries no seq");
            var payload = Kit.Payload(typing);
            Assert.Equal(group, payload.Str("conversationId"));
            Assert.True(payload.GetProperty("isTyping").GetBoolean());
            Assert.Equal("alice", payload.GetProperty("user").Str("id"));
            var expiresAt = DateTimeOffset.Parse(payload.Str("expiresAt"), CultureInfo.InvariantCulture);
            Assert.InRange(expiresAt, before.AddSeconds(5), server.Clock.GetUtcNow().AddSeconds(7));
        }

        foreach (var device in new[] { alice1, alice2, eve, otherBob }) await device.SettleAsync(Kit.Quiet);
        foreach (var device in new[] { alice1, alice2, eve, otherBob })
            Assert.DoesNotContain(device.Seen, f => Kit.Type(f) == "typing");
    }

    [Fact]
    public async Task Typing_false_stops_the_indicator_at_once()
    {
        await using var pair = await AliceAndBob.InAGroupAsync(server);
        var (tenant, alice, group, aliceDevice, bob) = (pair.Tenant, pair.Alice, pair.Group, pair.AliceDevice, pair.Bob);

        await aliceDevice.AckedAsync("typing", new { conversationId = group, isTyping = true });
        await bob.EventAsync("typing", p => p.GetProperty("isTyping").GetBoolean());
        var clock = Stopwatch.StartNew();
        await aliceDevice.AckedAsync("typing", new { conversationId = group, isTyping = false });
        var stopped = Kit.Payload(await bob.EventAsync("typing", p => !p.GetProperty("isTyping").GetBoolean()));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Equal("alice", stopped.Str("userId"));
        Assert.Equal(group, stopped.Str("conversationId"));

        // Nothing lapses later: the indicator was already cleared.
        var marker = await tenant.SendAsync(alice, group, "marker");
        await bob.MessageCreatedAsync(marker.Str("id"));
        Assert.Equal(2, bob.Seen.Count(f => Kit.Type(f) == "typing"));
    }

    [Fact]
    public async Task Typing_expires_by_itself_after_six_seconds_without_renewal()
    {
        await using var pair = await AliceAndBob.InAGroupAsync(server);
        var (tenant, alice, group, aliceDevice, bob) = (pair.Tenant, pair.Alice, pair.Group, pair.AliceDevice, pair.Bob);

        var clock = Stopwatch.StartNew();
        await aliceDevice.AckedAsync("typing", new { conversationId = group, isTyping = true });
        await bob.EventAsync("typing", p => p.GetProperty("isTyping").GetBoolean());
        var lapsed = Kit.Payload(await bob.EventAsync("typing", p => !p.GetProperty("isTyping").GetBoolean(), TimeSpan.FromSeconds(14)));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(5.5), TimeSpan.FromSeconds(12));
        Assert.Equal("alice", lapsed.Str("userId"));
        Assert.Equal(group, lapsed.Str("conversationId"));
        await aliceDevice.SettleAsync(TimeSpan.FromMilliseconds(100));
        Assert.DoesNotContain(aliceDevice.Seen, f => Kit.Type(f) == "typing");
    }

    [Fact]
    public async Task Renewed_typing_stays_on_and_lapses_six_seconds_after_the_last_renewal()
    {
        await using var pair = await AliceAndBob.InAGroupAsync(server);
        var (tenant, alice, group, aliceDevice, bob) = (pair.Tenant, pair.Alice, pair.Group, pair.AliceDevice, pair.Bob);

        // The server clock stands in for waiting: expiry is judged against it.
        await aliceDevice.AckedAsync("typing", new { conversationId = group, isTyping = true });
        var first = DateTimeOffset.Parse(Kit.Payload(await bob.EventAsync("typing", p => p.GetProperty("isTyping").GetBoolean())).Str("expiresAt"), CultureInfo.InvariantCulture);
        server.Clock.Advance(TimeSpan.FromSeconds(3));
        await aliceDevice.AckedAsync("typing", new { conversationId = group, isTyping = true });
        var renewed = DateTimeOffset.Parse(Kit.Payload(await bob.EventAsync("typing", p => p.GetProperty("isTyping").GetBoolean())).Str("expiresAt"), CultureInfo.InvariantCulture);
        Assert.True(renewed >= first.AddSeconds(2.5), $"renewal should push expiresAt on ({first:O} → {renewed:O})");

        server.Clock.Advance(TimeSpan.FromSeconds(3.5));
        await bob.SettleAsync(TimeSpan.FromMilliseconds(300));
        Assert.DoesNotContain(bob.Seen, f => Kit.Type(f) == "typing" && !Kit.Payload(f).GetProperty("isTyping").GetBoolean());

        server.Clock.Advance(TimeSpan.FromSeconds(3));
        await bob.EventAsync("typing", p => !p.GetProperty("isTyping").GetBoolean(), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Typing_where_one_is_not_a_member_is_refused()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var (_, eveToken) = await Kit.UserAsync(tenant, "eve");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var channel = (await alice.PostJsonAsync("/v1/conversations", new { type = "channel", participantIds = Kit.List("bob"), publicUsername = "open" }).ExpectJson(201)).Str("id");
        await using var bob = await Device.ConnectAsync(server, bobToken, "bob");
        await using var eve = await Device.ConnectAsync(server, eveToken, "eve");

        await eve.RefusedAsync("typing", new { conversationId = group, isTyping = true }, "CONVERSATION_NOT_FOUND", "NOT_A_MEMBER");
        await eve.RefusedAsync("typing", new { conversationId = channel, isTyping = true }, "NOT_A_MEMBER");
        await eve.RefusedAsync("typing", new { isTyping = true }, "VALIDATION_FAILED");
        await bob.SettleAsync(Kit.Quiet);
        Assert.DoesNotContain(bob.Seen, f => Kit.Type(f) == "typing");
    }
}
