using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Realtime;

/// <summary>Bad frames: an error frame and the socket stays open; a frame over 64 KiB closes it with 1009.</summary>
public sealed class SocketErrorTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    private const int MaxFrame = 64 * 1024;

    [Fact]
    public async Task An_unknown_type_gets_UNKNOWN_TYPE_with_the_requestId_and_the_socket_stays_open()
    {
        await using var bob = await ConnectAsync();

        var error = await bob.RefusedAsync("message.explode", new { }, "UNKNOWN_TYPE");
        Assert.Contains("message.explode", error.Str("message"), StringComparison.Ordinal);
        await bob.RefusedAsync("Ping", null, "UNKNOWN_TYPE");
        Assert.Equal("ack", Kit.Type(await bob.RequestAsync("ping")));
    }

    [Theory]
    [InlineData("{\"type\":\"ping\",")]
    [InlineData("{type: 'ping'}")]
    [InlineData("nonsense")]
    [InlineData("")]
    public async Task Bad_json_gets_INVALID_JSON_and_the_socket_stays_open(string frame)
    {
        await using var bob = await ConnectAsync();

        await bob.Socket.SendRawAsync(frame);
        var error = await bob.NextAsync(f => Kit.Type(f) == "error");
        Assert.Equal("INVALID_JSON", Kit.Payload(error).Str("code"));
        Assert.False(string.IsNullOrWhiteSpace(Kit.Payload(error).Str("message")));
        Assert.Equal("ack", Kit.Type(await bob.RequestAsync("ping")));
    }

    [Theory]
    [InlineData("[1,2,3]")]
    [InlineData("42")]
    [InlineData("{\"payload\":{}}")]
    [InlineData("{\"type\":7}")]
    [InlineData("{\"type\":\"ping\",\"requestId\":5}")]
    public async Task A_frame_that_is_not_an_envelope_gets_an_error_and_the_socket_stays_open(string frame)
    {
        await using var bob = await ConnectAsync();

        await bob.Socket.SendRawAsync(frame);
        var error = await bob.NextAsync(f => Kit.Type(f) == "error");
        Assert.Contains(Kit.Payload(error).Str("code"), Kit.List("INVALID_FRAME", "INVALID_JSON"));
        Assert.Equal("ack", Kit.Type(await bob.RequestAsync("ping")));
    }

    [Fact]
    public async Task A_bad_payload_gets_an_error_with_the_requestId_and_the_socket_stays_open()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        await using var bob = await Device.ConnectAsync(server, bobToken, "bob");

        await bob.RefusedAsync("message.send", "just a string", "INVALID_FRAME", "INVALID_JSON", "VALIDATION_FAILED");
        await bob.RefusedAsync("message.send", new { conversationId = group, text = 12 }, "INVALID_JSON", "VALIDATION_FAILED");
        await bob.RefusedAsync("message.send", new { conversationId = 5, text = "x" }, "INVALID_JSON", "VALIDATION_FAILED");
        await bob.RefusedAsync("typing", new { conversationId = group, isTyping = "yes" }, "INVALID_JSON", "VALIDATION_FAILED");
        await bob.RefusedAsync("resume", new { since = "yesterday" }, "INVALID_JSON", "VALIDATION_FAILED");
        await bob.RefusedAsync("resume", new { }, "VALIDATION_FAILED");
        await bob.RefusedAsync("presence", new { status = "sleeping" }, "VALIDATION_FAILED");
        await bob.RefusedAsync("message.read", new { conversationId = group, messageIds = "all" }, "INVALID_JSON", "VALIDATION_FAILED");
        await bob.RefusedAsync("conversation.member.update", new { conversationId = group, userId = "alice", mutedUntil = "soon" }, "INVALID_JSON", "VALIDATION_FAILED");

        Assert.Empty((await alice.GetAsync($"/v1/conversations/{group}/messages").ExpectJson(200)).Items());
        Assert.Equal("ack", Kit.Type(await bob.RequestAsync("ping")));
    }

    [Fact]
    public async Task A_binary_frame_gets_an_error_and_the_socket_stays_open()
    {
        await using var bob = await ConnectAsync();
        var connected = bob.Seen.Count;

        await bob.Socket.SendBytesAsync(Encoding.UTF8.GetBytes("""{"type":"ping","requestId":"bin"}"""), WebSocketMessageType.Binary);
        var error = await bob.NextAsync(f => Kit.Type(f) == "error");
        Assert.Equal("INVALID_FRAME", Kit.Payload(error).Str("code"));
        Assert.DoesNotContain(bob.Seen.Skip(connected), f => Kit.Type(f) == "ack");
        Assert.Equal("ack", Kit.Type(await bob.RequestAsync("ping")));
    }

    [Theory]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(60000)]
    [InlineData(MaxFrame - 1)]
    [InlineData(MaxFrame)]
    public async Task A_frame_of_up_to_64_KiB_is_accepted(int size)
    {
        await using var bob = await ConnectAsync();

        var frame = PaddedPing("edge", size);
        Assert.Equal(size, frame.Length);
        await bob.Socket.SendBytesAsync(frame);
        var ack = await bob.NextAsync(f => f.StrOrNull("requestId") == "edge");
        Assert.Equal("ack", Kit.Type(ack));
    }

    [Fact]
    public async Task A_frame_over_64_KiB_closes_the_socket_with_1009()
    {
        await using var bob = await ConnectAsync();

        await bob.Socket.SendBytesAsync(PaddedPing("big", MaxFrame + 1));
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, await bob.Socket.ClosedAsync());
        Assert.DoesNotContain(bob.Seen, f => f.StrOrNull("requestId") == "big");
    }

    [Fact]
    public async Task A_fragmented_message_over_64_KiB_closes_the_socket_with_1009()
    {
        var tenant = await server.NewTenantAsync();
        var token = await tenant.TokenAsync("bob");
        using var socket = await Kit.OpenRawAsync(server, token);
        Assert.Equal("ready", Kit.Type(await Kit.ReceiveJsonAsync(socket) ?? default));

        var frame = PaddedPing("chunks", 3 * MaxFrame);
        for (var offset = 0; offset < frame.Length; offset += 16 * 1024)
        {
            var end = offset + 16 * 1024 >= frame.Length;
            try
            {
                await socket.SendAsync(frame.AsMemory(offset, Math.Min(16 * 1024, frame.Length - offset)), WebSocketMessageType.Text, end, CancellationToken.None);
            }
            catch (WebSocketException)
            {
                break; // the server may close while the rest is still being sent
            }
        }
        JsonElement? next;
        do next = await Kit.ReceiveJsonAsync(socket);
        while (next is not null);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, socket.CloseStatus);
    }

    private async Task<Device> ConnectAsync()
    {
        var tenant = await server.NewTenantAsync();
        return await Device.ConnectAsync(server, await tenant.TokenAsync("bob"), "bob");
    }

    /// <summary>A ping whose payload pads the frame to exactly <paramref name="size"/> bytes.</summary>
    private static byte[] PaddedPing(string requestId, int size)
    {
        var head = "{\"type\":\"ping\",\"requestId\":\"" + requestId + "\",\"payload\":{\"pad\":\"";
        const string tail = "\"}}";
        return Encoding.UTF8.GetBytes(head + new string('x', size - head.Length - tail.Length) + tail);
    }
}
