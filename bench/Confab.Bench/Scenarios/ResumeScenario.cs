using System.Diagnostics;
using System.Net;
using Confab.Bench.Hosting;
using Confab.Bench.Load;
using Confab.Bench.Report;
using Confab.Bench.Setup;

namespace Confab.Bench.Scenarios;

/// <summary>
/// Clients in conversations of ten go live, drop their sockets, miss 100 messages each (sent over REST while
/// they are away), then reconnect and resume from the last seq they saw: first spread over two seconds, as
/// clients that back off with jitter come back, then, after missing another 100, all at once. Timed per client:
/// from the start of its connect to the <c>resumed</c> frame, by which every missed event has arrived.
/// </summary>
public static class ResumeScenario
{
    private const int GroupSize = 10;
    private const int Missed = 100;
    private const double TargetP99Ms = 50;
    private static readonly TimeSpan Spread = TimeSpan.FromSeconds(2);

    private sealed record Rejoin(double Milliseconds, int MessagesReplayed, bool Completed);

    public static async Task<ScenarioReport> RunAsync(BenchContext context)
    {
        var clients = context.Options.Size(200, 1_000);
        var groups = clients / GroupSize;
        var report = new ScenarioReport("resume", $"resume on {context.StoreName(context.OnPostgres)}: {clients:N0} clients each miss {Missed} messages, then reconnect");
        await using var deployment = await context.StartConfabAsync();
        var server = deployment.Nodes[0];
        using var api = context.Api(deployment);
        var (userIds, tokens) = await api.UsersInNewTenantAsync("res", clients + 1);
        var senderToken = tokens[clients];
        var conversations = new string[groups];
        await BenchApi.ForEachAsync(groups, async g => conversations[g] = await api.GroupAsync(senderToken, userIds[(g * GroupSize)..((g + 1) * GroupSize)]));

        var lastSeq = new long[clients];
        FrameHandler seqOf(int i) => frame => { if (FrameScan.Seq(frame) is { } seq && seq > lastSeq[i]) lastSeq[i] = seq; };
        var live = (await SocketFleet.ConnectAsync(server, tokens[..clients], 16 * 1024, seqOf, goLive: true)).All("clients");
        await Task.Delay(TimeSpan.FromSeconds(1));
        IEnumerable<RawSocket> connected = live;

        foreach (var (name, spread) in new[] { ("spread over 2 s", Spread), ("all at once", TimeSpan.Zero) })
        {
            await SocketFleet.CloseAllAsync(connected);
            await Task.Delay(TimeSpan.FromSeconds(1));
            var sending = Stopwatch.StartNew();
            await BenchApi.ForEachAsync(groups * Missed, async m =>
            {
                using var request = BenchApi.SendTextRequest(conversations[m % groups], senderToken, $"missed {m}");
                using var response = await api.Http.SendAsync(request);
                if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"Sending a missed message failed: {response.StatusCode}");
            });
            report.Note($"{name}: {groups * Missed:N0} missed messages sent in {sending.Elapsed.TotalSeconds:F1} s while the clients were away");

            var rejoins = new Rejoin[clients];
            var sockets = new RawSocket?[clients];
            await Parallel.ForEachAsync(Enumerable.Range(0, clients), new ParallelOptions { MaxDegreeOfParallelism = clients }, async (i, cancel) =>
            {
                await Task.Delay(spread * Random.Shared.NextDouble(), cancel);
                (rejoins[i], sockets[i]) = await RejoinAsync(server, tokens[i], lastSeq[i], seqOf(i));
            });
            connected = sockets.OfType<RawSocket>().ToList();

            var times = Percentiles.Of([.. rejoins.Select(r => r.Milliseconds)]);
            var short_ = rejoins.Count(r => !r.Completed || r.MessagesReplayed < Missed);
            report
                .Row($"{name}: time to all missed p50", times.P50, Shown.Milliseconds(times.P50))
                .Row($"{name}: time to all missed p99", times.P99, Shown.Milliseconds(times.P99), Target.NoMoreThan(TargetP99Ms, "<= 50 ms"))
                .Row($"{name}: slowest client", times.Max, Shown.Milliseconds(times.Max))
                .Row($"{name}: clients missing events", short_, Shown.Count(short_), Target.NoMoreThan(0, "0"));
            report.Details[$"timeToAllMissed ({name})"] = times;
        }
        await SocketFleet.CloseAllAsync(connected);
        report.Note("time = from the start of the reconnect to the resumed frame; each client also counts its replayed message.created frames");
        return report;
    }

    private static async Task<(Rejoin, RawSocket?)> RejoinAsync(ServerUnderTest server, string token, long since, FrameHandler onFrame)
    {
        var started = Stopwatch.GetTimestamp();
        var replayed = 0;
        var resumed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        RawSocket? socket = null;
        try
        {
            socket = await RawSocket.ConnectAsync(server.SocketUri(token), 16 * 1024);
            socket.StartReading(frame =>
            {
                onFrame(frame);
                if (FrameScan.IsType(frame, FrameScan.MessageCreated)) replayed++;
                else if (FrameScan.IsType(frame, FrameScan.Resumed)) resumed.TrySetResult();
            });
            await socket.SendAsync(ConfabFrames.Resume(since, "resume"));
            await resumed.Task.WaitAsync(TimeSpan.FromSeconds(30));
            return (new Rejoin(Stopwatch.GetElapsedTime(started).TotalMilliseconds, replayed, true), socket);
        }
        catch (Exception e) when (e is TimeoutException or System.Net.WebSockets.WebSocketException or HttpRequestException)
        {
            return (new Rejoin(Stopwatch.GetElapsedTime(started).TotalMilliseconds, replayed, false), socket);
        }
    }
}
