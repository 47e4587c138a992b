using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Realtime;

/// <summary>The server closes a user's sockets promptly when its sessions are revoked, the user is deleted, or the session expires.</summary>
public sealed class SocketClosingTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    private static readonly TimeSpan Promptly = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Revoking_the_users_sessions_closes_its_sockets_promptly_and_leaves_others_open()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, aliceToken) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        await tenant.CreateConversationAsync(alice, "group", "bob");
        await using var aliceDevice = await Device.ConnectAsync(server, aliceToken, "alice");
        await using var bob1 = await Device.ConnectAsync(server, bobToken, "bob");
        await using var bob2 = await Device.ConnectAsync(server, bobToken, "bob");

        var clock = Stopwatch.StartNew();
        await tenant.Backend.DeleteAsync("/server/v1/users/bob/sessions").Expect(204);
        foreach (var device in new[] { bob1, bob2 })
        {
            await device.Socket.ClosedAsync(Promptly);
            Assert.True(clock.Elapsed < Promptly, $"closing took {clock.ElapsedMilliseconds} ms");
        }

        await aliceDevice.EventAsync("presence", p => p.Str("userId") == "bob" && p.Str("status") == "offline");
        Assert.Equal("ack", Kit.Type(await aliceDevice.RequestAsync("ping")));
        await AssertRefusedAsync(bobToken);
    }

    [Fact]
    public async Task Deleting_the_user_closes_its_socket_promptly()
    {
        await using var pair = await AliceAndBob.InAGroupAsync(server);
        var (tenant, alice, group, aliceDevice, bob) = (pair.Tenant, pair.Alice, pair.Group, pair.AliceDevice, pair.Bob);

        var clock = Stopwatch.StartNew();
        await tenant.Backend.DeleteAsync("/server/v1/users/bob").Expect(204);
        await bob.Socket.ClosedAsync(Promptly);
        Assert.True(clock.Elapsed < Promptly, $"closing took {clock.ElapsedMilliseconds} ms");

        await aliceDevice.EventAsync("conversation.member.removed", p => p.Str("conversationId") == group && p.Str("userId") == "bob");
        await AssertRefusedAsync(pair.BobToken);
    }

    [Fact]
    public async Task An_expired_session_closes_its_socket_while_a_live_session_of_the_same_user_stays_open()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.UpsertUserAsync("bob");
        var shortToken = (await tenant.Backend.PostJsonAsync("/server/v1/sessions", new { userId = "bob", ttlSeconds = 60 }).ExpectJson(201)).Str("token");
        var longToken = (await tenant.Backend.PostJsonAsync("/server/v1/sessions", new { userId = "bob", ttlSeconds = 7200 }).ExpectJson(201)).Str("token");
        await using var shortLived = await Device.ConnectAsync(server, shortToken, "bob");
        await using var longLived = await Device.ConnectAsync(server, longToken, "bob");

        await shortLived.SettleAsync(TimeSpan.FromMilliseconds(1200));
        Assert.Equal(WebSocketState.Open, State(shortLived));

        server.Clock.Advance(TimeSpan.FromSeconds(61));
        var clock = Stopwatch.StartNew();
        await shortLived.Socket.ClosedAsync(Promptly);
        Assert.True(clock.Elapsed < Promptly, $"closing took {clock.ElapsedMilliseconds} ms");

        Assert.Equal("ack", Kit.Type(await longLived.RequestAsync("ping")));
        await AssertRefusedAsync(shortToken);
    }

    [Fact]
    public async Task Deleting_the_tenant_closes_all_its_sockets_and_no_others()
    {
        var doomed = await server.NewTenantAsync();
        var kept = await server.NewTenantAsync();
        await using var alice = await Device.ConnectAsync(server, await doomed.TokenAsync("alice"), "alice");
        await using var bob = await Device.ConnectAsync(server, await doomed.TokenAsync("bob"), "bob");
        await using var survivor = await Device.ConnectAsync(server, await kept.TokenAsync("alice"), "alice");

        var clock = Stopwatch.StartNew();
        await server.AsAdmin().DeleteAsync($"/admin/v1/tenants/{doomed.Id}").Expect(204);
        await alice.Socket.ClosedAsync(Promptly);
        await bob.Socket.ClosedAsync(Promptly);
        Assert.True(clock.Elapsed < Promptly, $"closing took {clock.ElapsedMilliseconds} ms");
        Assert.Equal("ack", Kit.Type(await survivor.RequestAsync("ping")));
    }

    [Theory]
    [InlineData("revoke")]
    [InlineData("delete")]
    [InlineData("expire")]
    public async Task A_socket_closed_by_the_server_gets_a_close_frame_with_1008_not_a_dropped_connection(string cause)
    {
        var tenant = await server.NewTenantAsync();
        await tenant.UpsertUserAsync("bob");
        var token = (await tenant.Backend.PostJsonAsync("/server/v1/sessions", new { userId = "bob", ttlSeconds = 60 }).ExpectJson(201)).Str("token");
        await using var bob = await Device.ConnectAsync(server, token, "bob");

        switch (cause)
        {
            case "revoke":
                await tenant.Backend.DeleteAsync("/server/v1/users/bob/sessions").Expect(204);
                break;
            case "delete":
                await tenant.Backend.DeleteAsync("/server/v1/users/bob").Expect(204);
                break;
            default:
                server.Clock.Advance(TimeSpan.FromSeconds(61));
                break;
        }
        var status = await bob.Socket.ClosedAsync(Promptly);
        Assert.True(status == WebSocketCloseStatus.PolicyViolation,
            $"after '{cause}' the server should send a close frame (1008), but the client saw {(status is null ? "the connection dropped without a close frame (1006)" : status)}");
    }

    private async Task AssertRefusedAsync(string token)
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(Kit.SocketUri(server, token), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
    }

    private static WebSocketState State(Device device) => device.Socket.CloseStatus is null ? WebSocketState.Open : WebSocketState.Closed;
}
