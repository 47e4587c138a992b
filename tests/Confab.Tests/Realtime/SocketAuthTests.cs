using System.Net;
using System.Net.WebSockets;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Realtime;

/// <summary>Authenticating the socket: <c>?token=</c>, a bearer header, or an <c>auth</c> frame first; anything else is refused.</summary>
public sealed class SocketAuthTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task A_token_in_the_query_authenticates_and_ready_reports_the_user_and_the_tenants_log_position()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var bobToken = await tenant.TokenAsync("bob");
        await tenant.CreateConversationAsync(alice, "group", "bob");
        var position = await server.LastPositionAsync(tenant.Id);
        Assert.True(position > 0);

        var socket = await TestSocket.ConnectAsync(server, bobToken);
        await using var _ = socket;
        var ready = await socket.NextAsync("ready");
        Assert.Equal("bob", Kit.Payload(ready).Str("userId"));
        Assert.Equal(position, Kit.Payload(ready).GetProperty("seq").GetInt64());
        Assert.False(Kit.IsDurable(ready), "ready is not a durable event");
        Assert.Equal("ack", Kit.Type(await socket.RequestAsync("ping")));
    }

    [Fact]
    public async Task A_bearer_header_authenticates_the_upgrade()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var bobToken = await tenant.TokenAsync("bob");
        var direct = await tenant.CreateConversationAsync(alice, "direct", "bob");

        using var socket = await Kit.OpenRawAsync(server, null, o => o.SetRequestHeader("Authorization", $"Bearer {bobToken}"));
        var ready = await Kit.ReceiveJsonAsync(socket) ?? throw new InvalidOperationException("closed before ready");
        Assert.Equal("ready", Kit.Type(ready));
        Assert.Equal("bob", Kit.Payload(ready).Str("userId"));

        await Kit.SendJsonAsync(socket, new { type = "resume", requestId = "r1", payload = new { since = Kit.Payload(ready).GetProperty("seq").GetInt64() } });
        var seen = new List<string>();
        while (!seen.Contains("resumed") || !seen.Contains("ack"))
            seen.Add(Kit.Type(await Kit.ReceiveJsonAsync(socket) ?? throw new InvalidOperationException($"closed after {string.Join(", ", seen)}")));

        // Sent once the resume is over, so that it arrives live rather than in the replay.
        var sent = await tenant.SendAsync(alice, direct, "over the header");
        while (true)
        {
            var frame = await Kit.ReceiveJsonAsync(socket) ?? throw new InvalidOperationException("closed");
            if (Kit.Type(frame) == "message.created" && Kit.Payload(frame).Str("id") == sent.Str("id")) break;
        }
    }

    [Fact]
    public async Task An_auth_frame_sent_first_authenticates_and_the_socket_then_works()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var bobToken = await tenant.TokenAsync("bob");
        var direct = await tenant.CreateConversationAsync(alice, "direct", "bob");

        var socket = await TestSocket.ConnectAsync(server, null);
        await using var _ = socket;
        await socket.SendRawAsync(AuthFrame(bobToken));
        var ready = await socket.NextAsync("ready");
        Assert.Equal("bob", Kit.Payload(ready).Str("userId"));
        Assert.Equal(await server.LastPositionAsync(tenant.Id), Kit.Payload(ready).GetProperty("seq").GetInt64());

        await socket.AckedAsync("resume", new { since = Kit.Payload(ready).GetProperty("seq").GetInt64() });
        var sent = await tenant.SendAsync(alice, direct, "after auth frame");
        Assert.Equal(sent.Str("id"), Kit.Payload(await socket.NextAsync("message.created")).Str("id"));
        var ack = await socket.AckedAsync("message.send", new { conversationId = direct, text = "reply" });
        Assert.Equal("bob", ack.GetProperty("sender").Str("id"));
    }

    [Fact]
    public async Task An_invalid_query_token_is_refused_with_401_before_the_upgrade()
    {
        var tenant = await server.NewTenantAsync();
        var revoked = await tenant.TokenAsync("bob");
        await tenant.Backend.DeleteAsync("/server/v1/users/bob/sessions").Expect(204);

        foreach (var token in Kit.List("cs_not-a-real-token", revoked))
        {
            using var socket = new ClientWebSocket();
            socket.Options.CollectHttpResponseDetails = true;
            await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(Kit.SocketUri(server, token), CancellationToken.None));
            Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
        }
    }

    [Fact]
    public async Task An_invalid_bearer_header_is_refused_with_401_before_the_upgrade()
    {
        using var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Authorization", "Bearer cs_forged");
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(Kit.SocketUri(server, null), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
    }

    [Theory]
    [InlineData("""{"type":"auth","payload":{"token":"cs_wrong"}}""")]
    [InlineData("""{"type":"auth","payload":{}}""")]
    [InlineData("""{"type":"auth"}""")]
    [InlineData("""{"type":"ping","requestId":"p1"}""")]
    [InlineData("""{"type":"auth","payload":{"token":""")]
    [InlineData("not json at all")]
    public async Task A_bad_first_frame_gets_an_error_frame_and_the_socket_is_closed(string first)
    {
        var socket = await TestSocket.ConnectAsync(server, null);
        await using var _ = socket;
        await socket.SendRawAsync(first);

        var error = await socket.NextAsync(_ => true);
        Assert.Equal("error", Kit.Type(error));
        Assert.Equal("UNAUTHORIZED", Kit.Payload(error).Str("code"));
        Assert.False(string.IsNullOrWhiteSpace(Kit.Payload(error).Str("message")));
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, await socket.ClosedAsync());
    }

    [Fact]
    public async Task An_auth_frame_with_another_tenants_valid_token_authenticates_as_that_tenants_user_only()
    {
        var first = await server.NewTenantAsync();
        var second = await server.NewTenantAsync();
        var aliceOne = await first.SessionAsync("alice");
        await first.UpsertUserAsync("bob");
        var group = await first.CreateConversationAsync(aliceOne, "group", "bob");
        var bobTwoToken = await second.TokenAsync("bob");

        var socket = await TestSocket.ConnectAsync(server, null);
        await using var _ = socket;
        await socket.SendRawAsync(AuthFrame(bobTwoToken));
        var ready = await socket.NextAsync("ready");
        Assert.Equal("bob", Kit.Payload(ready).Str("userId"));
        Assert.Equal(await server.LastPositionAsync(second.Id), Kit.Payload(ready).GetProperty("seq").GetInt64());

        var error = await socket.RequestAsync("message.send", new { conversationId = group, text = "cross-tenant" });
        Assert.Equal("error", Kit.Type(error));
        Assert.Equal("CONVERSATION_NOT_FOUND", Kit.Payload(error).Str("code"));
    }

    [Fact]
    public async Task A_socket_that_never_authenticates_gets_AUTHENTICATION_TIMEOUT_and_a_close_after_ten_seconds()
    {
        var socket = await TestSocket.ConnectAsync(server, null);
        await using var _ = socket;

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var status = await socket.ClosedAsync(TimeSpan.FromSeconds(25));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(20));

        var frames = await socket.DrainAsync(TimeSpan.FromMilliseconds(100));
        Assert.True(frames.Any(f => Kit.Type(f) == "error" && Kit.Payload(f).Str("code") == "AUTHENTICATION_TIMEOUT"),
            $"the socket should get an AUTHENTICATION_TIMEOUT error frame before closing, got [{string.Join(", ", frames)}]");
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, status);
    }

    [Fact]
    public async Task A_second_auth_frame_on_an_authenticated_socket_is_an_error_and_the_socket_stays_open()
    {
        var tenant = await server.NewTenantAsync();
        var token = await tenant.TokenAsync("bob");
        var (socket, _) = await TestSocket.ConnectReadyAsync(server, token);
        await using var __ = socket;

        var reply = await socket.RequestAsync("auth", new { token });
        Assert.Equal("error", Kit.Type(reply));
        Assert.Equal("ALREADY_AUTHENTICATED", Kit.Payload(reply).Str("code"));
        Assert.Equal("ack", Kit.Type(await socket.RequestAsync("ping")));
    }

    [Fact]
    public async Task A_plain_GET_of_the_socket_path_is_a_400_problem()
    {
        var tenant = await server.NewTenantAsync();
        var token = await tenant.TokenAsync("bob");

        await server.Anonymous().GetAsync("/v1/socket").ExpectProblem(400, "WEBSOCKET_REQUIRED");
        await server.Anonymous().GetAsync($"/v1/socket?token={Uri.EscapeDataString(token)}").ExpectProblem(400, "WEBSOCKET_REQUIRED");
        await server.WithSession(token).GetAsync("/v1/socket").ExpectProblem(400, "WEBSOCKET_REQUIRED");
    }

    private static string AuthFrame(string token) =>
        System.Text.Json.JsonSerializer.Serialize(new { type = "auth", payload = new { token } });
}
