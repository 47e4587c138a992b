using System.Net;
using System.Net.WebSockets;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Realtime;

public sealed class SocketSmokeTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    /// <summary>Over HTTP/2 the socket is an extended CONNECT (RFC 8441): browsers open it so wherever the server speaks HTTP/2.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_member_receives_a_message_sent_over_rest_and_can_send_over_the_socket(bool overHttp2)
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var bobToken = await tenant.TokenAsync("bob");
        var direct = await tenant.CreateConversationAsync(alice, "direct", "bob");
        var (bob, seq) = await TestSocket.ConnectReadyAsync(overHttp2 ? server.Http2Address : server.ClientOptions.BaseAddress, bobToken, overHttp2);
        await using var _ = bob;
        Assert.Equal(overHttp2 ? HttpStatusCode.OK : HttpStatusCode.SwitchingProtocols, bob.HandshakeStatus);
        await bob.AckedAsync("resume", new { since = seq });

        var sent = await tenant.SendAsync(alice, direct, "hello bob");
        var created = await bob.NextAsync("message.created");
        Assert.Equal(sent.Str("id"), created.GetProperty("payload").Str("id"));
        Assert.True(created.GetProperty("seq").GetInt64() > seq);

        var ack = await bob.AckedAsync("message.send", new { conversationId = direct, text = "hi alice" });
        Assert.Equal("hi alice", ack.Str("text"));

        await tenant.Backend.DeleteAsync("/server/v1/users/bob/sessions").Expect(204);
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await bob.ClosedAsync());
    }

    [Theory]
    [InlineData("/V1/Socket")]
    [InlineData("/v1/socket/")]
    public async Task The_socket_path_is_matched_as_routing_matches_it(string path)
    {
        var tenant = await server.NewTenantAsync();
        var bobToken = await tenant.TokenAsync("bob");
        using var socket = await Kit.OpenRawAsync(server, bobToken, path: path);

        Assert.Equal("ready", Kit.Type(await Kit.ReceiveJsonAsync(socket) ?? throw new InvalidOperationException("closed before ready")));
        await Kit.SendJsonAsync(socket, new { type = "ping", requestId = "p1" });
        while (Kit.Type(await Kit.ReceiveJsonAsync(socket) ?? throw new InvalidOperationException("closed before the ack")) != "ack")
        {
        }
    }
}
