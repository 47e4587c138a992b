using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Confab.Bench.Hosting;
using Confab.Bench.Load;
using Confab.Bench.Report;
using Confab.Bench.Setup;

namespace Confab.Bench.Scenarios;

/// <summary>
/// Many small conversations of ten, everyone on a socket chatting at a human pace: every 10 to 20 s each user
/// sends a typing frame, then, a second later, a stamped message.send; whoever receives a message marks it read
/// a second later. Measures delivery latency to the other members, send latency (request to ack), server CPU
/// and memory.
/// </summary>
public static class ChatmixScenario
{
    private const int Members = 10;
    private const double TargetP99Ms = 50;
    private const int WarmUpConversations = 50;
    private static readonly TimeSpan WarmUpLimit = TimeSpan.FromSeconds(10);
    private static ReadOnlySpan<byte> MessageIdMarker => "\"payload\":{\"id\":\""u8;
    private static ReadOnlySpan<byte> SenderIdMarker => "\"sender\":{\"id\":\""u8;

    private sealed class Chat(DeliveryRecorder deliveries)
    {
        public DeliveryRecorder Deliveries { get; } = deliveries;
        public LatencyRecorder SendLatency { get; } = new();
        public ConcurrentDictionary<string, long> PendingSends { get; } = new();
        public long Sent;
        public long Acked;
        public long Failed;
        public long Reads;
        public long WarmUpReads;
        public long NextRequestId;
    }

    public static async Task<ScenarioReport> RunAsync(BenchContext context)
    {
        var conversations = context.Options.Size(200, 1_000);
        var users = conversations * Members;
        var duration = TimeSpan.FromSeconds(context.Options.Size(15, 60));
        var report = new ScenarioReport("chatmix", $"chatmix on {context.StoreName(context.OnPostgres)}: {conversations:N0} conversations of {Members}, {users:N0} users chatting for {duration.TotalSeconds:F0} s");
        await using var deployment = await context.StartConfabAsync();
        var server = deployment.Nodes[0];
        using var api = context.Api(deployment);
        var (userIds, tokens) = await api.UsersInNewTenantAsync("chat", users);
        var conversationOf = new string[conversations];
        await BenchApi.ForEachAsync(conversations, async c =>
            conversationOf[c] = await api.GroupAsync(tokens[c * Members], userIds[(c * Members + 1)..((c + 1) * Members)]));

        var chat = new Chat(new DeliveryRecorder());
        chat.Deliveries.Begin(0);
        // Frames may arrive before every socket is open: a user's own socket is looked up when it marks a message read.
        var socketOf = new RawSocket?[users];
        var fleet = await SocketFleet.ConnectAsync(server, tokens, 16 * 1024,
            i =>
            {
                var me = Encoding.UTF8.GetBytes(userIds[i]);
                return frame => OnFrame(chat, socketOf, i, me, conversationOf[i / Members], frame);
            }, goLive: true);
        var sockets = fleet.All("users");
        sockets.CopyTo(socketOf, 0);
        // The connects' presence goes to every online member; chatting starts once the server has settled from it.
        var settled = await server.SettleAsync();
        await WarmUpAsync(chat, sockets, conversationOf);

        var cpu = CpuWindow.Start(server);
        await Task.WhenAll(Enumerable.Range(0, users).Select(i => ChatAsync(chat, sockets[i], conversationOf[i / Members], duration, new Random(i))));
        await Task.Delay(TimeSpan.FromSeconds(2));
        var (serverSeconds, cpuShare, generatorShare, _) = cpu.Spent();
        var after = server.Sample();
        await SocketFleet.CloseAllAsync(sockets);

        var delivery = chat.Deliveries.Latencies.Summary();
        var send = chat.SendLatency.Summary();
        var expected = chat.Acked * (Members - 1);
        report
            .Row("delivery p50 / p90", delivery.P90, $"{Shown.Milliseconds(delivery.P50)} / {Shown.Milliseconds(delivery.P90)}")
            .Row("delivery p99", delivery.P99, Shown.Milliseconds(delivery.P99), Target.NoMoreThan(TargetP99Ms, "<= 50 ms"))
            .Row("delivery p99.9", delivery.P999, Shown.Milliseconds(delivery.P999))
            .Row("send (request to ack) p50 / p99", send.P99, $"{Shown.Milliseconds(send.P50)} / {Shown.Milliseconds(send.P99)}")
            .Row("messages sent / acked / failed", chat.Acked, $"{chat.Sent:N0} / {chat.Acked:N0} / {chat.Failed:N0}")
            .Row("deliveries (not there 2 s after the end)", delivery.Count, $"{delivery.Count:N0} of {expected:N0} ({expected - delivery.Count:N0})")
            .Row("read receipts sent", chat.Reads, Shown.Count(chat.Reads))
            .Row("server CPU", cpuShare, after is null ? "n/a" : FormattableString.Invariant($"{serverSeconds:F1} s = {Shown.Percent(cpuShare)} of a core"))
            .Row("generator CPU", generatorShare, $"{Shown.Percent(generatorShare)} of a core")
            .Row("server RSS", after?.ResidentBytes, after is null ? "n/a" : Shown.MiB(after.Value.ResidentBytes))
            .Note("each user: typing, ~1 s later a message, then 10-20 s of quiet; receivers mark each message read 1 s after it arrives")
            .Note($"before the chat, a warm-up (not counted): one message in each of the first {WarmUpConversations} conversations, marked read by its receivers")
            .Note(FormattableString.Invariant($"the users' connects (each one's presence goes to the online members of its conversation) left the server settled after {settled.TotalSeconds:F1} s, before the chat"));
        report.Details["delivery"] = delivery;
        report.Details["send"] = send;
        return report;
    }

    /// <summary>
    /// The first conversations each get a message, untimed, and their receivers mark it read, so that the chat is
    /// timed on a server that has compiled those paths (tiered compilation is off: each method compiles on its first
    /// call). Their stamps carry the warm-up tag, their requests are not awaited as sends, and their reads are counted
    /// apart, so nothing of it is in the figures; the chat starts once every warm-up read went out (or after 10 s).
    /// </summary>
    private static async Task WarmUpAsync(Chat chat, RawSocket[] sockets, string[] conversationOf)
    {
        var warming = Math.Min(WarmUpConversations, conversationOf.Length);
        await Task.WhenAll(Enumerable.Range(0, warming).Select(async c =>
        {
            var sender = sockets[c * Members];
            await sender.SendAsync(ConfabFrames.Typing(conversationOf[c]));
            await sender.SendAsync(ConfabFrames.MessageSend(ConfabFrames.RequestId(-1 - c), conversationOf[c], Stamp.Text(Stamp.WarmUpTag)));
        }));
        var waiting = Stopwatch.StartNew();
        while (Interlocked.Read(ref chat.WarmUpReads) < warming * (Members - 1) && waiting.Elapsed < WarmUpLimit) await Task.Delay(50);
    }

    private static async Task ChatAsync(Chat chat, RawSocket socket, string conversationId, TimeSpan duration, Random random)
    {
        var clock = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(random.NextDouble() * 15));
        while (clock.Elapsed < duration)
        {
            await socket.SendAsync(ConfabFrames.Typing(conversationId));
            await Task.Delay(TimeSpan.FromSeconds(0.5 + random.NextDouble()));
            var requestId = ConfabFrames.RequestId(Interlocked.Increment(ref chat.NextRequestId));
            chat.PendingSends[requestId] = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref chat.Sent);
            await socket.SendAsync(ConfabFrames.MessageSend(requestId, conversationId, Stamp.Text(0)));
            // A user whose next message would come after the chat stops now, so the CPU window ends with the chat.
            var pause = TimeSpan.FromSeconds(10 + random.NextDouble() * 10);
            if (clock.Elapsed + pause >= duration) return;
            await Task.Delay(pause);
        }
    }

    private static void OnFrame(Chat chat, RawSocket?[] socketOf, int user, byte[] me, string conversationId, ReadOnlySpan<byte> frame)
    {
        var isAck = FrameScan.IsType(frame, FrameScan.Ack);
        if (isAck || FrameScan.IsType(frame, FrameScan.Error))
        {
            var requestId = Encoding.UTF8.GetString(FrameScan.RequestId(frame));
            if (!chat.PendingSends.TryRemove(requestId, out var sentAt)) return;
            chat.SendLatency.Add(Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds);
            Interlocked.Increment(ref isAck ? ref chat.Acked : ref chat.Failed);
            return;
        }
        if (!FrameScan.IsType(frame, FrameScan.MessageCreated) || FrameScan.StringAfter(frame, SenderIdMarker).SequenceEqual(me)) return;
        if (chat.Deliveries.Record(frame) is not { } stamp) return;
        var messageId = Encoding.UTF8.GetString(FrameScan.StringAfter(frame, MessageIdMarker));
        if (socketOf[user] is { } socket) _ = MarkReadAsync(chat, socket, conversationId, messageId, warmingUp: stamp.Tag == Stamp.WarmUpTag);
    }

    private static async Task MarkReadAsync(Chat chat, RawSocket socket, string conversationId, string messageId, bool warmingUp)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        try
        {
            await socket.SendAsync(ConfabFrames.MarkRead(conversationId, messageId));
            Interlocked.Increment(ref warmingUp ? ref chat.WarmUpReads : ref chat.Reads);
        }
        catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or ObjectDisposedException)
        {
        }
    }
}
