using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Confab.Server.Realtime;
using Confab.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Confab.Tests.Realtime;

/// <summary>A client that stops reading is cut off when its bounded queue overflows; the others never wait for it.</summary>
public sealed class SlowConsumerTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    private const int TextLength = 16_000;
    private const int MaxMessages = 4_000;

    [Fact]
    public async Task A_client_that_stops_reading_is_disconnected_while_a_healthy_client_gets_every_event_promptly()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { maxMessageLength = 20_000 }).ExpectJson(200);
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var (_, carolToken) = await Kit.UserAsync(tenant, "carol");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob", "carol");
        var registry = server.Services.GetRequiredService<ConnectionRegistry>();

        await using var bob = await Device.ConnectAsync(server, bobToken, "bob");
        var start = bob.ReadySeq;
        // carol's client never reads: a tiny kernel receive buffer makes the server's side fill up sooner.
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler { ConnectCallback = Kit.TinyReceiveBufferAsync });
        using var carol = await Kit.OpenRawAsync(server, carolToken, invoker: invoker);
        await Kit.EventuallyAsync(() => Task.FromResult(registry.IsConnected(tenant.Id, "carol")), TimeSpan.FromSeconds(5), "carol's socket registered");

        var clock = Stopwatch.StartNew();
        await FloodUntilCutOffAsync(registry, tenant, alice, group, "carol");
        var cutOffAfter = clock.Elapsed;

        // bob was never slowed down: he already has (or gets at once) everything sent so far.
        var marker = await tenant.SendAsync(alice, group, "after the cut-off");
        var markerClock = Stopwatch.StartNew();
        await bob.MessageCreatedAsync(marker.Str("id"), TimeSpan.FromSeconds(10));
        Assert.True(markerClock.Elapsed < TimeSpan.FromSeconds(15), $"bob lagged {markerClock.ElapsedMilliseconds} ms behind");
        if (!bob.Seen.Any(CarolOffline)) await bob.NextAsync(CarolOffline);
        var expected = (await server.ReadAsync(tenant.Id, start)).Where(e => e.ConversationId == group).Select(e => e.Position).ToList();
        bob.AssertDurableExactly(expected, start);
        Assert.True(expected.Count > 1000, $"only {expected.Count} events were needed ({cutOffAfter.TotalSeconds:0.0} s)");

        // carol resumes on a new socket and gets everything she missed.
        await using var carolAgain = await Device.ConnectQuietAsync(server, carolToken, "carol");
        var replay = await carolAgain.ResumeAsync(start);
        Assert.Equal(expected, replay.Where(Kit.IsDurable).Select(Kit.Seq));
    }

    [Fact]
    public async Task A_client_that_never_reads_does_not_delay_typing_or_acks_for_others()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, aliceToken) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var (_, carolToken) = await Kit.UserAsync(tenant, "carol");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob", "carol");
        await using var aliceDevice = await Device.ConnectAsync(server, aliceToken, "alice");
        await using var bob = await Device.ConnectAsync(server, bobToken, "bob");
        using var carol = await Kit.OpenRawAsync(server, carolToken);

        for (var i = 0; i < 50; i++)
        {
            var clock = Stopwatch.StartNew();
            var message = await aliceDevice.AckedAsync("message.send", new { conversationId = group, text = $"n{i}" });
            await bob.MessageCreatedAsync(message.Str("id"));
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"message {i} took {clock.ElapsedMilliseconds} ms");
        }
        await aliceDevice.AckedAsync("typing", new { conversationId = group, isTyping = true });
        await bob.EventAsync("typing", p => p.Str("userId") == "alice", TimeSpan.FromSeconds(5));
        Assert.Equal(WebSocketState.Open, carol.State);
    }

    [Fact]
    public async Task A_client_cut_off_for_not_reading_gets_what_was_queued_and_then_the_close_saying_why()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { maxMessageLength = 20_000 }).ExpectJson(200);
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (_, carolToken) = await Kit.UserAsync(tenant, "carol");
        var group = await tenant.CreateConversationAsync(alice, "group", "carol");
        var registry = server.Services.GetRequiredService<ConnectionRegistry>();
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler { ConnectCallback = Kit.TinyReceiveBufferAsync });
        using var carol = await Kit.OpenRawAsync(server, carolToken, invoker: invoker);
        await Kit.EventuallyAsync(() => Task.FromResult(registry.IsConnected(tenant.Id, "carol")), TimeSpan.FromSeconds(5), "carol's socket registered");

        await FloodUntilCutOffAsync(registry, tenant, alice, group, "carol");

        // Reading now, within the close's grace, carol gets every frame that was queued and then the close frame with its reason.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        var created = 0;
        ValueWebSocketReceiveResult received;
        do
        {
            received = await carol.ReceiveAsync(buffer.AsMemory(), timeout.Token);
            if (received.MessageType != WebSocketMessageType.Text) continue;
            message.Write(buffer, 0, received.Count);
            if (!received.EndOfMessage) continue;
            using (var frame = JsonDocument.Parse(message.ToArray()))
                if (Kit.Type(frame.RootElement) == "message.created") created++;
            message.SetLength(0);
        }
        while (received.MessageType != WebSocketMessageType.Close);
        Assert.True(created > 0, "the messages queued before the cut-off should arrive");
        Assert.Equal((WebSocketCloseStatus)1013, carol.CloseStatus);
    }

    /// <summary>Posts large messages to the group, four at a time, until the user who never reads is cut off; fails if that never happens.</summary>
    private static async Task FloodUntilCutOffAsync(ConnectionRegistry registry, TestTenant tenant, HttpClient sender, string group, string nonReader)
    {
        var text = new string('x', TextLength);
        var sent = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (registry.IsConnected(tenant.Id, nonReader) && Interlocked.Increment(ref sent) <= MaxMessages)
                await sender.PostJsonAsync($"/v1/conversations/{group}/messages", new { text }).Expect(201);
        })));
        Assert.False(registry.IsConnected(tenant.Id, nonReader), $"{nonReader} never read a frame, yet was still connected after {MaxMessages} large messages");
    }

    private static bool CarolOffline(System.Text.Json.JsonElement frame) =>
        Kit.Type(frame) == "presence" && Kit.Payload(frame).Str("userId") == "carol" && Kit.Payload(frame).Str("status") == "offline";
}
