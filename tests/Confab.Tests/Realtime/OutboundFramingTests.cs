using System.Net.WebSockets;
using Confab.Server.Realtime;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Realtime;

/// <summary>The server frames its text messages itself and writes several in one go, next to the WebSocket's own control frames.</summary>
public sealed class OutboundFramingTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Every_length_encoding_reads_back_whole_through_a_client_websocket()
    {
        // Either side of each boundary: the 7-bit length (up to 125), the 16-bit one (up to 65,535) and the 64-bit one.
        int[] lengths = [0, 1, 125, 126, 65_535, 65_536, 200_000];
        var payloads = lengths.Select(length => Enumerable.Range(0, length).Select(i => (byte)('a' + i % 26)).ToArray()).ToList();
        var wire = new byte[payloads.Sum(p => p.Length + TextFrames.MaxHeaderBytes)];
        var written = 0;
        foreach (var payload in payloads) written += TextFrames.Write(wire.AsSpan(written), payload);

        using var client = WebSocket.CreateFromStream(new MemoryStream(wire, 0, written), new WebSocketCreationOptions { IsServer = false });
        foreach (var payload in payloads)
        {
            var received = new byte[payload.Length + 1];
            var length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                result = await client.ReceiveAsync(received.AsMemory(length), CancellationToken.None);
                length += result.Count;
            }
            while (!result.EndOfMessage);
            Assert.Equal(WebSocketMessageType.Text, result.MessageType);
            Assert.Equal(payload, received[..length]);
        }
    }

    [Fact]
    public async Task Frames_of_every_length_arrive_whole_and_in_order_when_written_together()
    {
        var (tenant, alice, bobToken, group) = await GroupWithLongMessagesAsync();
        string[] texts = ["short", new string('x', 70_000), new string('é', 100_000), "four bytes 🙂, two ü, three €", "last"];

        // Bob sends no first request: what arrives meanwhile is held, and goes out in one write when the stream goes live.
        var (bob, _) = await TestSocket.ConnectReadyAsync(server, bobToken);
        await using var _ = bob;
        foreach (var text in texts) await tenant.SendAsync(alice, group, text);

        var seqs = new List<long>();
        foreach (var text in texts)
        {
            var created = await bob.NextAsync("message.created");
            Assert.Equal(text, created.GetProperty("payload").Str("text"));
            seqs.Add(created.GetProperty("seq").GetInt64());
        }
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal("ack", (await bob.RequestAsync("ping")).Str("type"));
    }

    [Fact]
    public async Task The_websockets_pongs_take_turns_with_a_burst_of_frames()
    {
        var (tenant, alice, bobToken, group) = await GroupWithLongMessagesAsync();
        // The client pings every millisecond and gives up on a pong that does not come; the server's WebSocket answers
        // each one while the writer sends the burst on the same connection.
        using var bob = await Kit.OpenRawAsync(server, bobToken, options =>
        {
            options.KeepAliveInterval = TimeSpan.FromMilliseconds(1);
            options.KeepAliveTimeout = TimeSpan.FromSeconds(10);
        });
        var ready = await Kit.ReceiveJsonAsync(bob) ?? throw new InvalidOperationException("closed before ready");
        await Kit.SendJsonAsync(bob, new { type = "resume", requestId = "r1", payload = new { since = Kit.Payload(ready).GetProperty("seq").GetInt64() } });

        const int burst = 60;
        var text = new string('z', 30_000);
        var sending = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < burst / 4; i++) await tenant.SendAsync(alice, group, text);
        })));
        var arrived = 0;
        while (arrived < burst)
        {
            var frame = await Kit.ReceiveJsonAsync(bob) ?? throw new InvalidOperationException($"closed after {arrived} messages");
            if (Kit.Type(frame) == "message.created" && Kit.Payload(frame).Str("text") == text) arrived++;
        }
        await sending;
        Assert.Equal(WebSocketState.Open, bob.State);
    }

    private async Task<(TestTenant Tenant, HttpClient Alice, string BobToken, string Group)> GroupWithLongMessagesAsync()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { maxMessageLength = 100_000 }).ExpectJson(200);
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        return (tenant, alice, bobToken, group);
    }
}
