using Confab.Bench.Load;
using Confab.Bench.Report;
using Confab.Bench.Setup;

namespace Confab.Bench.Scenarios;

/// <summary>
/// Two Confab nodes on one PostgreSQL database: senders on node A send stamped messages into a room whose
/// subscribers sit mostly on node B, a few on node A. The cross-node end-to-end latency is the figure; the
/// same-node one beside it shows what the hop between nodes (commit, NOTIFY, the other node's log read) adds.
/// </summary>
public static class ClusterScenario
{
    private const int RemoteReceivers = 100;
    private const int LocalReceivers = 10;
    private const int Senders = 16;
    private const double TargetP99Ms = 10;
    private static readonly (string Name, double Rate)[] Rates = [("moderate", 50), ("high", 500)];

    public static async Task<ScenarioReport> RunAsync(BenchContext context)
    {
        var report = new ScenarioReport("cluster", "cluster: two nodes on one PostgreSQL database, senders on A, receivers on B (and a few on A)");
        if (context.PostgresServer is null || context.Options.Url is not null)
            return report.Note("skipped: needs PostgreSQL (CONFAB_BENCH_POSTGRES, --postgres or a working .ci/postgres.sh) and servers the bench starts");
        var duration = TimeSpan.FromSeconds(context.Options.Size(3, 10));
        await using var deployment = await context.StartConfabAsync(postgres: true, nodes: 2);
        var (nodeA, nodeB) = (deployment.Nodes[0], deployment.Nodes[1]);
        using var api = context.Api(deployment);
        var backend = await api.TenantAsync();
        var userIds = BenchApi.NewUserIds("clu", Senders + RemoteReceivers + LocalReceivers);
        var tokens = await BenchApi.UsersWithTokensAsync(backend, userIds);
        var room = await api.GroupAsync(tokens[0], userIds[1..]);

        var remote = new DeliveryRecorder();
        var local = new DeliveryRecorder();
        var remoteFleet = await SocketFleet.ConnectAsync(nodeB, tokens[Senders..(Senders + RemoteReceivers)], 16 * 1024, _ => frame => remote.Record(frame), goLive: true);
        var localFleet = await SocketFleet.ConnectAsync(nodeA, tokens[(Senders + RemoteReceivers)..], 16 * 1024, _ => frame => local.Record(frame), goLive: true);
        if (remoteFleet.Failures + localFleet.Failures > 0) throw new InvalidOperationException($"Receivers could not connect: {remoteFleet.FirstError ?? localFleet.FirstError}");
        var senders = await StampSenders.ConnectAsync(nodeA, tokens[..Senders], room);
        await Task.Delay(TimeSpan.FromSeconds(1));
        ReceiverGroup[] groups = [new("node B", remote, RemoteReceivers), new("node A", local, LocalReceivers)];

        var tag = 0;
        foreach (var (name, rate) in Rates)
        {
            var step = await RateStep.RunAsync(deployment.Nodes, senders, groups, rate, duration, tag++);
            var (across, same) = (step.Groups[0], step.Groups[1]);
            report
                .Row($"{name} {rate:F0} msgs/s: cross-node p99", across.Latency.P99, Shown.Milliseconds(across.Latency.P99), Target.NoMoreThan(TargetP99Ms, "<= 10 ms"))
                .Row($"{name} {rate:F0} msgs/s: cross-node p50 / p99.9", across.Latency.P999,
                    $"{Shown.Milliseconds(across.Latency.P50)} / {Shown.Milliseconds(across.Latency.P999)}")
                .Row($"{name} {rate:F0} msgs/s: same-node p50 / p99", same.Latency.P99,
                    $"{Shown.Milliseconds(same.Latency.P50)} / {Shown.Milliseconds(same.Latency.P99)}")
                .Row($"{name} {rate:F0} msgs/s: hop (cross - same) p50 / p99", across.Latency.P99 - same.Latency.P99,
                    $"{Shown.Milliseconds(across.Latency.P50 - same.Latency.P50)} / {Shown.Milliseconds(across.Latency.P99 - same.Latency.P99)}")
                .Row($"{name} {rate:F0} msgs/s: lost (not there 2 s after)", across.Lost + same.Lost, Shown.Count(across.Lost + same.Lost), Target.NoMoreThan(0, "0"));
            report.Note($"{name}: {step.Describe()}");
            report.Details[name] = step;
        }
        report.Note("both nodes pinned to the server core; PostgreSQL unpinned; the hop is a difference of percentiles, a rough guide only");
        await senders.CloseAsync();
        await SocketFleet.CloseAllAsync([.. remoteFleet.Sockets, .. localFleet.Sockets]);
        return report;
    }
}
