using Confab.Bench.Hosting;
using Confab.Bench.Load;
using Confab.Bench.Report;
using Confab.Bench.Setup;

namespace Confab.Bench.Scenarios;

/// <summary>
/// One room of S subscribers (one cheap raw socket each) and 16 sender sockets sending stamped messages
/// (<c>message.send</c> over the socket) at a doubling rate, a few seconds a step, until a step's p99 passes
/// 50 ms, a delivery is lost or the rate cannot be kept; the highest rate held and its deliveries/s are the
/// result. The same against the ceiling, and Confab as a ratio of it.
/// </summary>
public static class FanoutScenario
{
    private const double P99BoundMs = 50;
    private const int Senders = 16;
    private const int ReceiveBuffer = 8 * 1024;
    private const double TargetSubscribers = 1_000;
    private const double TargetDeliveriesPerSecond = 200_000;
    private const int Bisections = 2;

    private sealed record Ladder(int Subscribers, TimeSpan Settled, List<StepResult> Steps)
    {
        public StepResult? Held => Steps.Where(s => s.Held(P99BoundMs)).MaxBy(s => s.Rate);

        public double HeldDeliveriesPerSecond => Held?.Groups[0].DeliveriesPerSecond ?? 0;

        /// <summary>The highest rate held, or which step failed first and how.</summary>
        public string DescribeHeld()
        {
            if (Held is { } held) return $"{held.Rate:N0} msgs/s";
            var first = Steps[0];
            return FormattableString.Invariant(
                $"none (first step, {first.Rate:F0} msgs/s: p99 {first.Groups[0].Latency.P99:F1} ms, lost {first.Groups[0].Lost:N0}, sent {first.AchievedRate:F0}/s)");
        }
    }

    public static async Task<ScenarioReport> RunAsync(BenchContext context)
    {
        int[] rooms = context.Options.Quick ? [100, 1_000] : [100, 1_000, 5_000];
        var step = TimeSpan.FromSeconds(context.Options.Size(2, 5));
        var report = new ScenarioReport("fanout", $"fanout: rooms of {string.Join(", ", rooms)} subscribers on {context.StoreName(context.OnPostgres)}, then on the ceiling");

        var confab = new List<Ladder>();
        await using (var deployment = await context.StartConfabAsync())
        {
            var server = deployment.Nodes[0];
            using var api = context.Api(deployment);
            var backend = await api.TenantAsync();
            var senderIds = BenchApi.NewUserIds("send", Senders);
            var subscriberIds = BenchApi.NewUserIds("sub", rooms.Max());
            var senderTokens = await BenchApi.UsersWithTokensAsync(backend, senderIds);
            var subscriberTokens = await BenchApi.UsersWithTokensAsync(backend, subscriberIds);
            foreach (var size in rooms)
            {
                var room = await api.GroupAsync(senderTokens[0], [.. senderIds.Skip(1), .. subscriberIds.Take(size)]);
                var senders = await StampSenders.ConnectAsync(server, senderTokens, room);
                confab.Add(await ClimbAsync(server, senders, subscriberTokens[..size], step));
            }
        }
        var (ceilingServer, ceilingProcess) = await CeilingProcess.StartAsync();
        var ceiling = new List<Ladder>();
        await using (ceilingProcess)
        {
            foreach (var size in rooms)
            {
                var senders = await StampSenders.ConnectAsync(ceilingServer, new string?[Senders], conversationId: null);
                ceiling.Add(await ClimbAsync(ceilingServer, senders, new string?[size], step));
            }
        }

        foreach (var (mine, theirs) in confab.Zip(ceiling))
        {
            var size = mine.Subscribers;
            var isTarget = size == TargetSubscribers;
            var ratio = theirs.HeldDeliveriesPerSecond > 0 ? mine.HeldDeliveriesPerSecond / theirs.HeldDeliveriesPerSecond : double.NaN;
            report
                .Row($"fanout {size}: highest rate held", mine.Held?.Rate, mine.DescribeHeld())
                .Row($"fanout {size}: deliveries/s held", mine.HeldDeliveriesPerSecond, Shown.PerSecond(mine.HeldDeliveriesPerSecond),
                    isTarget ? Target.NoLessThan(TargetDeliveriesPerSecond, ">= 200,000/s") : null)
                .Row($"fanout {size}: p99 at that rate (held means <= 50 ms)", mine.Held?.Groups[0].Latency.P99 ?? double.NaN,
                    Shown.Milliseconds(mine.Held?.Groups[0].Latency.P99 ?? double.NaN))
                .Row($"ceiling {size}: highest rate held", theirs.Held?.Rate, theirs.DescribeHeld())
                .Row($"ceiling {size}: deliveries/s held", theirs.HeldDeliveriesPerSecond,
                    $"{Shown.PerSecond(theirs.HeldDeliveriesPerSecond)} (p99 {Shown.Milliseconds(theirs.Held?.Groups[0].Latency.P99 ?? double.NaN)})")
                .Row($"fanout {size}: vs ceiling", ratio,
                    $"{Shown.PerSecond(mine.HeldDeliveriesPerSecond)} = {Shown.Ratio(ratio)} ceiling", isTarget ? Target.NoLessThan(0.5, ">= 0.5x ceiling") : null);
            report.Note(FormattableString.Invariant(
                $"confab {size}: the subscribers' connects (each one's presence goes to every online member of the room) left the server settled after {mine.Settled.TotalSeconds:F1} s, before the climb"));
            foreach (var s in mine.Steps) report.Note($"confab {size}: {s.Describe()}");
            foreach (var s in theirs.Steps) report.Note($"ceiling {size}: {s.Describe()}");
        }
        report.Note($"after a {RateStep.WarmUp.TotalSeconds:F0} s warm-up (not counted), steps of {step.TotalSeconds:F0} s, the rate doubling until p99 > 50 ms, a loss, or the senders fall 5 % behind, "
            + "then two bisections between the last rate held and the first failed; "
            + "a generator CPU near 100 % means the generator, not the server, was the limit; "
            + "lost = not delivered within 2 s of the step's end; sends are message.send frames over the socket (cheaper for the server than REST)");
        report.Details["confab"] = confab;
        report.Details["ceiling"] = ceiling;
        return report;
    }

    private static async Task<Ladder> ClimbAsync(ServerUnderTest server, StampSenders senders, string?[] subscriberTokens, TimeSpan step)
    {
        var recorder = new DeliveryRecorder();
        var subscribers = (await SocketFleet.ConnectAsync(server, subscriberTokens, ReceiveBuffer, _ => frame => recorder.Record(frame), goLive: true)).All("subscribers");
        var settled = await server.SettleAsync();
        var groups = new[] { new ReceiverGroup("subscribers", recorder, subscribers.Length) };
        var ladder = new Ladder(subscriberTokens.Length, settled, []);
        // Start where a step delivers 10,000/s, then double: a handful of steps reach any server's limit.
        var firstRate = Math.Max(5.0, 10_000.0 / subscriberTokens.Length);
        await RateStep.WarmUpAsync([server], senders, groups, firstRate);
        for (var rate = firstRate; ladder.Steps.Count < 12; rate *= 2)
        {
            var result = await RateStep.RunAsync([server], senders, groups, rate, step, tag: ladder.Steps.Count);
            ladder.Steps.Add(result);
            if (!result.Held(P99BoundMs)) break;
        }
        // Doubling overshoots by up to 2x: narrow the gap between the last rate held and the first one failed (if one did).
        var top = ladder.Steps[^1];
        if (ladder.Held is not null && !top.Held(P99BoundMs))
        {
            var (held, failed) = (top.Rate / 2, top.Rate);
            for (var i = 0; i < Bisections; i++)
            {
                var middle = (held + failed) / 2;
                var result = await RateStep.RunAsync([server], senders, groups, middle, step, tag: ladder.Steps.Count);
                ladder.Steps.Add(result);
                if (result.Held(P99BoundMs)) held = middle;
                else failed = middle;
            }
        }
        await senders.CloseAsync();
        await SocketFleet.CloseAllAsync(subscribers);
        return ladder;
    }
}
