using System.Net.WebSockets;
using System.Text.Json;
using Confab.Server.Http;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Realtime;

/// <summary>The stream of one socket stays whole: no event skipped, none twice, in order, to the right people.</summary>
public sealed class StreamWholenessTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task A_resume_arriving_after_the_socket_went_live_is_refused_and_a_resume_on_reconnect_delivers_the_gap()
    {
        var (tenant, alice, group, bobToken, lastSeen, missed) = await BobAwayForOneMessageAsync();

        await using (var late = await Device.ConnectQuietAsync(server, bobToken, "bob"))
        {
            await late.AckedAsync("ping");
            var live = await tenant.SendAsync(alice, group, "live");
            await late.MessageCreatedAsync(live.Str("id"));

            await late.RefusedAsync("resume", new { since = lastSeen }, ErrorCodes.ResumeGap);
            Assert.Equal((WebSocketCloseStatus)1013, await late.Socket.ClosedAsync());
            Assert.DoesNotContain(late.Durable, f => Kit.Type(f) == "message.created" && Kit.Payload(f).Str("id") == missed.Str("id"));
        }

        await using var again = await Device.ConnectQuietAsync(server, bobToken, "bob");
        var replay = await again.ResumeAsync(lastSeen);
        Assert.Contains(replay, f => Kit.Type(f) == "message.created" && Kit.Payload(f).Str("id") == missed.Str("id"));
        Kit.AssertStrictlyIncreasing(replay.Where(Kit.IsDurable).Select(Kit.Seq));
    }

    [Fact]
    public async Task A_late_resume_is_served_while_no_durable_event_went_out_live()
    {
        var (tenant, alice, group, bobToken, lastSeen, missed) = await BobAwayForOneMessageAsync();

        await using var late = await Device.ConnectQuietAsync(server, bobToken, "bob");
        await late.AckedAsync("ping");
        var replay = await late.ResumeAsync(lastSeen);
        var replayed = Assert.Single(replay, f => Kit.Type(f) == "message.created");
        Assert.Equal(missed.Str("id"), Kit.Payload(replayed).Str("id"));
        Assert.Contains(replay, f => Kit.Type(f) == "resumed");

        var live = await tenant.SendAsync(alice, group, "live");
        var delivered = await late.MessageCreatedAsync(live.Str("id"));
        late.AssertDurableExactly([Kit.Seq(replayed), Kit.Seq(delivered)], after: lastSeen);
    }

    /// <summary>Alice and bob in a group; alice sends a message after <c>LastSeen</c>, the position bob last saw.</summary>
    private async Task<(TestTenant Tenant, HttpClient Alice, string Group, string BobToken, long LastSeen, JsonElement Missed)> BobAwayForOneMessageAsync()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var lastSeen = await server.LastPositionAsync(tenant.Id);
        var missed = await tenant.SendAsync(alice, group, "sent while bob was away");
        return (tenant, alice, group, bobToken, lastSeen, missed);
    }

    [Fact]
    public async Task Membership_changed_while_nobody_of_the_tenant_was_connected_routes_correctly_afterwards()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, aliceToken) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var (_, daveToken) = await Kit.UserAsync(tenant, "dave");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        await using (var warm = await Device.ConnectAsync(server, aliceToken, "alice"))
        {
            var first = await tenant.SendAsync(alice, group, "caches the membership");
            await warm.MessageCreatedAsync(first.Str("id"));
        }
        await Kit.EventuallyAsync(async () => (await alice.GetAsync("/v1/users/alice").ExpectJson(200)).Str("presence") == "offline",
            TimeSpan.FromSeconds(5), "alice's socket to close");

        await alice.DeleteAsync($"/v1/conversations/{group}/members/bob").Expect(204);
        await alice.PostJsonAsync($"/v1/conversations/{group}/members", new { userIds = Kit.List("dave") }).ExpectJson(201);

        await using var bob = await Device.ConnectAsync(server, bobToken, "bob");
        await using var dave = await Device.ConnectAsync(server, daveToken, "dave");
        var after = await tenant.SendAsync(alice, group, "after the changes");
        await dave.MessageCreatedAsync(after.Str("id"));
        await bob.SettleAsync(Kit.Quiet);
        Assert.DoesNotContain(bob.Durable, f => Kit.Type(f) == "message.created");
    }

    [Fact]
    public async Task A_since_ahead_of_the_log_asks_for_a_resync_instead_of_hiding_new_events()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (bobHttp, bobToken) = await Kit.UserAsync(tenant, "bob");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var ahead = await server.LastPositionAsync(tenant.Id) + 1000;

        await bobHttp.GetAsync($"/v1/events?since={ahead}").ExpectProblem(410, "RESYNC_REQUIRED");

        await using var bob = await Device.ConnectQuietAsync(server, bobToken, "bob");
        var answer = await bob.ResumeAsync(ahead);
        var resync = Assert.Single(answer, f => Kit.Type(f) == "resync.required");
        Assert.Equal(bob.ReadySeq, Kit.Payload(resync).GetProperty("seq").GetInt64());
        var fresh = await tenant.SendAsync(alice, group, "still delivered");
        await bob.MessageCreatedAsync(fresh.Str("id"));
    }

    [Fact]
    public async Task Sockets_opened_while_their_sessions_are_revoked_never_stay_open()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.UpsertUserAsync("bob");
        var tokens = new List<string>();
        for (var i = 0; i < 20; i++) tokens.Add((await tenant.Backend.PostJsonAsync("/server/v1/sessions", new { userId = "bob" }).ExpectJson(201)).Str("token"));

        var opening = tokens.Select(async token =>
        {
            try
            {
                return await TestSocket.ConnectAsync(server, token);
            }
            catch (WebSocketException)
            {
                return null;
            }
        }).ToList();
        await tenant.Backend.DeleteAsync("/server/v1/users/bob/sessions").Expect(204);
        var sockets = (await Task.WhenAll(opening)).OfType<TestSocket>().ToList();

        // Whichever sockets got through before the revocation are closed by it (1008), whatever the interleaving.
        foreach (var socket in sockets)
        {
            await using var _ = socket;
            Assert.Equal(WebSocketCloseStatus.PolicyViolation, await socket.ClosedAsync(TimeSpan.FromSeconds(10)));
        }
        foreach (var token in tokens)
            await server.WithSession(token).GetAsync("/v1/me").ExpectProblem(401);
    }
}
