using System.Diagnostics;
using Confab.Bench.Hosting;
using Confab.Bench.Report;

namespace Confab.Bench.Load;

/// <summary>Receivers that share one recorder, counted apart (e.g. the sockets on the other cluster node).</summary>
public sealed record ReceiverGroup(string Name, DeliveryRecorder Recorder, int Receivers);

public sealed record GroupDelivery(string Name, long Expected, long Delivered, Percentiles Latency, double DeliveriesPerSecond)
{
    public long Lost => Expected - Delivered;
}

public sealed record StepResult(
    double Rate, long Sent, long SendErrors, double Seconds, IReadOnlyList<GroupDelivery> Groups, double ServerCpuShare, double GeneratorCpuShare, double GeneratorGcPauseMs)
{
    public double AchievedRate => Sent / Seconds;

    /// <summary>
    /// The rate was kept up (within 5 %, and one message: a slow step of twenty sends ends a send early), every message
    /// reached every receiver, and p99 stayed within the bound.
    /// </summary>
    public bool Held(double p99BoundMs) =>
        Sent >= 0.95 * Rate * Seconds - 1 && SendErrors == 0 && Groups.All(g => g.Lost == 0 && g.Latency.P99 <= p99BoundMs);

    public string Describe() => FormattableString.Invariant(
        $"{Rate:F0} msgs/s (sent {AchievedRate:F0}/s): ") + string.Join("; ", Groups.Select(g => FormattableString.Invariant(
            $"{g.Name} {g.DeliveriesPerSecond:N0} deliveries/s p50 {g.Latency.P50:F2} p99 {g.Latency.P99:F2} ms lost {g.Lost:N0}")))
        + FormattableString.Invariant($"; errors {SendErrors}; server CPU {ServerCpuShare * 100:F0} %, generator CPU {GeneratorCpuShare * 100:F0} % (GC paused it {GeneratorGcPauseMs:F0} ms)");
}

/// <summary>
/// One load step: stamped messages at a fixed rate for a fixed time, then a short drain, then what every
/// receiver group got: deliveries, losses, latency, and how busy the server(s) and the generator were.
/// </summary>
public static class RateStep
{
    private static readonly TimeSpan Drain = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a warm-up runs. The server compiles each method fully on its first call (tiered compilation is off)
    /// and opens pooled connections as load needs them; a step that started cold would time that, not the server.
    /// </summary>
    public static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);

    /// <summary>The same sends as a step, untimed: what they deliver is not counted.</summary>
    public static Task WarmUpAsync(IReadOnlyList<ServerUnderTest> servers, StampSenders senders, IReadOnlyList<ReceiverGroup> groups, double rate) =>
        RunAsync(servers, senders, groups, rate, WarmUp, Stamp.WarmUpTag);

    public static async Task<StepResult> RunAsync(IReadOnlyList<ServerUnderTest> servers, StampSenders senders, IReadOnlyList<ReceiverGroup> groups,
        double rate, TimeSpan duration, int tag)
    {
        foreach (var group in groups) group.Recorder.Begin(tag);
        var errorsBefore = senders.Errors;
        var cpu = CpuWindow.Start(servers);
        var clock = Stopwatch.StartNew();
        var sent = await senders.SendAsync(rate, duration, tag);
        var seconds = clock.Elapsed.TotalSeconds;
        var draining = Stopwatch.StartNew();
        while (draining.Elapsed < Drain && groups.Any(g => g.Recorder.Latencies.Count < sent * g.Receivers)) await Task.Delay(20);
        var (_, serverCpu, generatorCpu, generatorGcPause) = cpu.Spent();
        var deliveries = groups.Select(g =>
        {
            var latency = g.Recorder.Latencies.Summary();
            return new GroupDelivery(g.Name, sent * g.Receivers, latency.Count, latency, latency.Count / seconds);
        }).ToList();
        return new StepResult(rate, sent, senders.Errors - errorsBefore, seconds, deliveries, serverCpu, generatorCpu, generatorGcPause);
    }
}
