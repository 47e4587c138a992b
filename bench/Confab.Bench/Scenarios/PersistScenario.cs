using System.Diagnostics;
using System.Net;
using Confab.Bench.Hosting;
using Confab.Bench.Load;
using Confab.Bench.Report;
using Confab.Bench.Setup;

namespace Confab.Bench.Scenarios;

/// <summary>
/// 64 senders, each in its own conversation of one tenant, sending as fast as their answers come back for a
/// fixed time: first over REST (one request at a time each), then over the socket (one message.send in
/// flight each). Each phase starts with a warm-up of the same sends, untimed, so that the figures are of a server
/// whose code for that path is compiled, not of the compiler. Throughput counts the answered sends; the
/// conversations' newest seq, read back over the API, says how many were stored, so a loss shows.
/// </summary>
public static class PersistScenario
{
    private const int Senders = 64;

    private sealed record PhaseFigures(string Transport, long Acked, long Failed, long Stored, double Seconds, Percentiles SendLatency,
        double ServerCpuShare, double GeneratorCpuShare)
    {
        public double PerSecond => Acked / Seconds;
    }

    public static async Task<ScenarioReport> RunAsync(BenchContext context, bool postgres)
    {
        var duration = TimeSpan.FromSeconds(context.Options.Size(5, 15));
        var warmUp = TimeSpan.FromSeconds(context.Options.Size(1, 3));
        var store = context.StoreName(postgres);
        var report = new ScenarioReport("persist",
            $"persist on {store}: {Senders} senders, {duration.TotalSeconds:F0} s over REST then {duration.TotalSeconds:F0} s over the socket, each after {warmUp.TotalSeconds:F0} s of warm-up");
        await using var deployment = await context.StartConfabAsync(postgres);
        var server = deployment.Nodes[0];
        using var api = context.Api(deployment);
        var (userIds, tokens) = await api.UsersInNewTenantAsync("persist", Senders + 1);
        var conversations = new string[Senders];
        await BenchApi.ForEachAsync(Senders, async i => conversations[i] = await api.GroupAsync(tokens[i], [userIds[Senders]]));

        var phases = new List<PhaseFigures>();
        foreach (var transport in new[] { "REST", "socket" })
        {
            // The sockets connect before the clock starts, so the phase times sends alone.
            var senders = transport == "socket" ? await ConnectSendersAsync(server, tokens) : null;
            Task SendAllAsync(TimeSpan length, LatencyRecorder latencies, Action onAcked, Action onFailed) => transport == "REST"
                ? Task.WhenAll(Enumerable.Range(0, Senders).Select(i => SendOverRestAsync(api.Http, tokens[i], conversations[i], length, latencies, onAcked, onFailed)))
                : Task.WhenAll(senders!.Select((sender, i) => SendOverSocketAsync(sender, conversations[i], length, latencies, onAcked, onFailed)));

            await SendAllAsync(warmUp, new LatencyRecorder(), () => { }, () => { });
            var before = await NewestSeqsAsync(api, tokens, conversations);
            var cpu = CpuWindow.Start(server);
            var latencies = new LatencyRecorder();
            long acked = 0, failed = 0;
            var clock = Stopwatch.StartNew();
            await SendAllAsync(duration, latencies, () => Interlocked.Increment(ref acked), () => Interlocked.Increment(ref failed));
            var seconds = clock.Elapsed.TotalSeconds;
            var (_, serverCpu, generatorCpu, _) = cpu.Spent();
            if (senders is not null) await SocketFleet.CloseAllAsync(senders.Select(sender => sender.Socket));
            var after = await NewestSeqsAsync(api, tokens, conversations);
            var stored = after.Zip(before, (a, b) => a - b).Sum();
            phases.Add(new PhaseFigures(transport, acked, failed, stored, seconds, latencies.Summary(), serverCpu, generatorCpu));
        }

        var throughputTarget = postgres
            ? Target.NoLessThan(10_000, ">= 10,000 msgs/s")
            : Target.NoLessThan(20_000, ">= 20,000 msgs/s");
        foreach (var phase in phases)
        {
            report
                .Row($"{phase.Transport}: persisted msgs/s", phase.PerSecond, Shown.PerSecond(phase.PerSecond), throughputTarget)
                .Row($"{phase.Transport}: send p50", phase.SendLatency.P50, Shown.Milliseconds(phase.SendLatency.P50))
                .Row($"{phase.Transport}: send p99", phase.SendLatency.P99, Shown.Milliseconds(phase.SendLatency.P99),
                    postgres ? null : Target.NoMoreThan(20, "<= 20 ms"))
                .Row($"{phase.Transport}: acked but not stored", phase.Acked - phase.Stored, Shown.Count(phase.Acked - phase.Stored), Target.NoMoreThan(0, "0"))
                .Row($"{phase.Transport}: failed sends", phase.Failed, Shown.Count(phase.Failed), Target.NoMoreThan(0, "0"))
                .Row($"{phase.Transport}: server / generator CPU", phase.ServerCpuShare,
                    $"{Shown.Percent(phase.ServerCpuShare)} / {Shown.Percent(phase.GeneratorCpuShare)} of a core");
        }
        report.Note("stored = sum over the conversations of the newest seq after the phase minus before it, read back over REST");
        report.Details["phases"] = phases;
        return report;
    }

    private static async Task SendOverRestAsync(HttpClient http, string token, string conversationId, TimeSpan duration, LatencyRecorder latencies,
        Action onAcked, Action onFailed)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            using var request = BenchApi.SendTextRequest(conversationId, token, Stamp.Text(0));
            var started = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (response.StatusCode == HttpStatusCode.Created) onAcked(); else onFailed();
        }
    }

    /// <summary>A sender's socket, and the answer its one message.send in flight waits for.</summary>
    private sealed class SocketSender
    {
        public RawSocket Socket { get; set; } = null!;

        public TaskCompletionSource<bool>? Answer { get; set; }
    }

    private static async Task<SocketSender[]> ConnectSendersAsync(ServerUnderTest server, string[] tokens)
    {
        var senders = Enumerable.Range(0, Senders).Select(_ => new SocketSender()).ToArray();
        var fleet = await SocketFleet.ConnectAsync(server, tokens[..Senders], 16 * 1024, i => frame =>
        {
            if (FrameScan.IsType(frame, FrameScan.Ack)) senders[i].Answer?.TrySetResult(true);
            else if (FrameScan.IsType(frame, FrameScan.Error)) senders[i].Answer?.TrySetResult(false);
        }, goLive: true);
        var sockets = fleet.All("senders");
        for (var i = 0; i < Senders; i++) senders[i].Socket = sockets[i];
        return senders;
    }

    private static async Task SendOverSocketAsync(SocketSender sender, string conversationId, TimeSpan duration,
        LatencyRecorder latencies, Action onAcked, Action onFailed)
    {
        var clock = Stopwatch.StartNew();
        long requestId = 0;
        while (clock.Elapsed < duration)
        {
            var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            sender.Answer = answer;
            var started = Stopwatch.GetTimestamp();
            await sender.Socket.SendAsync(ConfabFrames.MessageSend(ConfabFrames.RequestId(++requestId), conversationId, Stamp.Text(0)));
            var acked = await answer.Task.WaitAsync(TimeSpan.FromSeconds(30));
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (acked) onAcked(); else onFailed();
        }
    }

    /// <summary>Each conversation's newest message seq (0 when it has none), as its sender reads it.</summary>
    private static async Task<long[]> NewestSeqsAsync(BenchApi api, string[] tokens, string[] conversations)
    {
        var seqs = new long[conversations.Length];
        await BenchApi.ForEachAsync(conversations.Length, async i =>
        {
            var page = await api.AsUser(tokens[i]).Messages.ListAsync(conversations[i], new MessageListQuery { Limit = 1 });
            seqs[i] = page.Items.Count > 0 ? page.Items[0].Seq : 0;
        });
        return seqs;
    }
}
