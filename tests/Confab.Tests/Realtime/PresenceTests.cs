using System.Globalization;
using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Realtime;

/// <summary>Presence: online while any device is connected, offline with lastSeenAt when the last closes; away, busy, invisible; peers only.</summary>
public sealed class PresenceTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task A_user_is_online_while_any_device_is_connected_and_offline_with_lastSeenAt_when_the_last_closes()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, aliceToken) = await Kit.UserAsync(tenant, "alice");
        var (bobHttp, bobToken) = await Kit.UserAsync(tenant, "bob");
        await tenant.CreateConversationAsync(alice, "direct", "bob");
        await using var bob = await Device.ConnectAsync(server, bobToken, "bob");
        Assert.Equal("offline", (await bobHttp.GetAsync("/v1/users/alice").ExpectJson(200)).Str("presence"));

        var phone = await Device.ConnectAsync(server, aliceToken, "alice");
        var online = Kit.Payload(await bob.EventAsync("presence", p => p.Str("userId") == "alice"));
        Assert.Equal("online", online.Str("status"));
        Assert.Equal("online", (await bobHttp.GetAsync("/v1/users/alice").ExpectJson(200)).Str("presence"));

        var laptop = await Device.ConnectAsync(server, aliceToken, "alice");
        await phone.DisposeAsync();
        await bob.SettleAsync(TimeSpan.FromMilliseconds(600));
        Assert.Single(bob.Seen, f => Kit.Type(f) == "presence" && Kit.Payload(f).Str("userId") == "alice");
        Assert.Equal("online", (await bobHttp.GetAsync("/v1/users/alice").ExpectJson(200)).Str("presence"));

        var closedAt = server.Clock.GetUtcNow();
        await laptop.DisposeAsync();
        var offline = Kit.Payload(await bob.EventAsync("presence", p => p.Str("userId") == "alice" && p.Str("status") == "offline"));
        var lastSeenAt = DateTimeOffset.Parse(offline.Str("lastSeenAt"), CultureInfo.InvariantCulture);
        Assert.InRange(lastSeenAt, closedAt.AddSeconds(-2), server.Clock.GetUtcNow().AddSeconds(1));

        var user = await bobHttp.GetAsync("/v1/users/alice").ExpectJson(200);
        Assert.Equal("offline", user.Str("presence"));
        Assert.Equal(lastSeenAt, DateTimeOffset.Parse(user.Str("lastSeenAt"), CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("away")]
    [InlineData("busy")]
    public async Task Away_and_busy_are_announced_to_peers_and_shown_on_the_user(string status)
    {
        var tenant = await server.NewTenantAsync();
        var (alice, aliceToken) = await Kit.UserAsync(tenant, "alice");
        var (bobHttp, bobToken) = await Kit.UserAsync(tenant, "bob");
        await tenant.CreateConversationAsync(alice, "group", "bob");
        await using var bob = await Device.ConnectAsync(server, bobToken, "bob");
        await using var aliceDevice = await Device.ConnectAsync(server, aliceToken, "alice");
        await bob.EventAsync("presence", p => p.Str("userId") == "alice" && p.Str("status") == "online");

        Assert.Equal(JsonValueKind.Object, (await aliceDevice.AckedAsync("presence", new { status })).ValueKind);
        var changed = await bob.EventAsync("presence", p => p.Str("userId") == "alice" && p.Str("status") != "online");
        Assert.Equal(status, Kit.Payload(changed).Str("status"));
        Assert.False(Kit.IsDurable(changed), "presence is ephemeral and carries no seq");
        Assert.Equal(status, (await bobHttp.GetAsync("/v1/users/alice").ExpectJson(200)).Str("presence"));

        await aliceDevice.AckedAsync("presence", new { status = "online" });
        await bob.EventAsync("presence", p => p.Str("userId") == "alice" && p.Str("status") == "online");
        Assert.Equal("online", (await bobHttp.GetAsync("/v1/users/alice").ExpectJson(200)).Str("presence"));
    }

    [Fact]
    public async Task Invisible_looks_offline_to_others()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, aliceToken) = await Kit.UserAsync(tenant, "alice");
        var (bobHttp, bobToken) = await Kit.UserAsync(tenant, "bob");
        await tenant.CreateConversationAsync(alice, "group", "bob");
        await using var bob = await Device.ConnectAsync(server, bobToken, "bob");
        var aliceDevice = await Device.ConnectAsync(server, aliceToken, "alice");
        await bob.EventAsync("presence", p => p.Str("userId") == "alice" && p.Str("status") == "online");

        await aliceDevice.AckedAsync("presence", new { status = "invisible" });
        var hidden = Kit.Payload(await bob.EventAsync("presence", p => p.Str("userId") == "alice" && p.Str("status") != "online"));
        Assert.Equal("offline", hidden.Str("status"));
        Assert.NotNull(hidden.StrOrNull("lastSeenAt"));
        var seen = await bobHttp.GetAsync("/v1/users/alice").ExpectJson(200);
        Assert.Equal("offline", seen.Str("presence"));
        var listed = (await bobHttp.GetAsync("/v1/users?q=alice").ExpectJson(200)).Items().Single(u => u.Str("id") == "alice");
        Assert.Equal("offline", listed.Str("presence"));

        // Going away for real while invisible announces nothing new: to others nothing changed.
        await aliceDevice.DisposeAsync();
        await Kit.EventuallyAsync(async () => (await bobHttp.GetAsync("/v1/users/alice").ExpectJson(200)).StrOrNull("lastSeenAt") is not null,
            TimeSpan.FromSeconds(5), "alice's lastSeenAt");
        await bob.SettleAsync(Kit.Quiet);
        var aboutAlice = bob.Seen.Where(f => Kit.Type(f) == "presence" && Kit.Payload(f).Str("userId") == "alice").Select(f => Kit.Payload(f).Str("status"));
        Assert.Equal(Kit.List("online", "offline"), aboutAlice);
    }

    [Fact]
    public async Task An_invisible_user_sees_its_own_status_as_invisible()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, aliceToken) = await Kit.UserAsync(tenant, "alice");
        var (bobHttp, _) = await Kit.UserAsync(tenant, "bob");
        await tenant.CreateConversationAsync(alice, "group", "bob");
        await using var aliceDevice = await Device.ConnectAsync(server, aliceToken, "alice");

        await aliceDevice.AckedAsync("presence", new { status = "invisible" });
        Assert.Equal("offline", (await bobHttp.GetAsync("/v1/users/alice").ExpectJson(200)).Str("presence"));
        // The presence enum has "invisible" for exactly this: the user itself knows it is hidden, not gone.
        Assert.Equal("invisible", (await alice.GetAsync("/v1/me").ExpectJson(200)).Str("presence"));
    }

    [Fact]
    public async Task Presence_goes_only_to_users_who_share_a_conversation()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, aliceToken) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var (_, eveToken) = await Kit.UserAsync(tenant, "eve");
        await tenant.CreateConversationAsync(alice, "group", "bob");
        var other = await server.NewTenantAsync();
        var (_, otherBobToken) = await Kit.UserAsync(other, "bob");
        await using var bob = await Device.ConnectAsync(server, bobToken, "bob");
        await using var eve = await Device.ConnectAsync(server, eveToken, "eve");
        await using var otherBob = await Device.ConnectAsync(server, otherBobToken, "bob");

        var aliceDevice = await Device.ConnectAsync(server, aliceToken, "alice");
        await bob.EventAsync("presence", p => p.Str("userId") == "alice" && p.Str("status") == "online");
        await aliceDevice.AckedAsync("presence", new { status = "busy" });
        await bob.EventAsync("presence", p => p.Str("userId") == "alice" && p.Str("status") == "busy");
        await aliceDevice.DisposeAsync();
        await bob.EventAsync("presence", p => p.Str("userId") == "alice" && p.Str("status") == "offline");

        foreach (var outsider in new[] { eve, otherBob }) await outsider.SettleAsync(Kit.Quiet);
        Assert.DoesNotContain(eve.Seen, f => Kit.Type(f) == "presence" && Kit.Payload(f).Str("userId") == "alice");
        Assert.DoesNotContain(otherBob.Seen, f => Kit.Type(f) == "presence" && Kit.Payload(f).Str("userId") == "alice");
    }

    [Fact]
    public async Task An_unknown_status_is_refused()
    {
        var tenant = await server.NewTenantAsync();
        await using var alice = await Device.ConnectAsync(server, await tenant.TokenAsync("alice"), "alice");

        await alice.RefusedAsync("presence", new { status = "sleeping" }, "VALIDATION_FAILED");
        await alice.RefusedAsync("presence", new { }, "VALIDATION_FAILED");
        await alice.RefusedAsync("presence", new { status = "ONLINE" }, "VALIDATION_FAILED");
    }
}
