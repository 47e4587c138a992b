using Confab.Bench.Hosting;
using Confab.Bench.Load;
using Confab.Bench.Report;

namespace Confab.Bench.Scenarios;

/// <summary>
/// Two Confab nodes on one PostgreSQL database: senders on node A send stamped messages into a room whose
/// subscribers sit mostly on node B, a few on node A. The figure is the hop: from the message's <c>createdAt</c>,
/// taken on node A inside the sending transaction, to its arrival on a socket of node B (commit, NOTIFY, node B's
/// log read and routing). The same on node A, and the end-to-end latency from the sender's stamp, are beside it.
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
            return report.Note($"skipped: needs PostgreSQL ({PostgresDatabase.EnvironmentVariable}, --postgres or a working .ci/postgres.sh) and servers the bench starts");
        var duration = TimeSpan.FromSeconds(context.Options.Size(3, 10));
        await using var deployment = await context.StartConfabAsync(postgres: true, nodes: 2);
        var (nodeA, nodeB) = (deployment.Nodes[0], deployment.Nodes[1]);
        using var api = context.Api(deployment);
        var (userIds, tokens) = await api.UsersInNewTenantAsync("clu", Senders + RemoteReceivers + LocalReceivers);
        var room = await api.GroupAsync(tokens[0], userIds[1..]);

        var remote = new DeliveryRecorder(sinceCreated: true);
        var local = new DeliveryRecorder(sinceCreated: true);
        var receiversOnB = (await SocketFleet.ConnectAsync(nodeB, tokens[Senders..(Senders + RemoteReceivers)], 16 * 1024, _ => frame => remote.Record(frame), goLive: true)).All("receivers on node B");
        var receiversOnA = (await SocketFleet.ConnectAsync(nodeA, tokens[(Senders + RemoteReceivers)..], 16 * 1024, _ => frame => local.Record(frame), goLive: true)).All("receivers on node A");
        var senders = await StampSenders.ConnectAsync(nodeA, tokens[..Senders], room);
        ReceiverGroup[] groups = [new("node B", remote, RemoteReceivers), new("node A", local, LocalReceivers)];
        await RateStep.WarmUpAsync(deployment.Nodes, senders, groups, Rates[0].Rate);

        var tag = 0;
        foreach (var (name, rate) in Rates)
        {
            var step = await RateStep.RunAsync(deployment.Nodes, senders, groups, rate, duration, tag++);
            var (across, same) = (step.Groups[0], step.Groups[1]);
            var (hop, onA) = (remote.SinceCreated!.Summary(), local.SinceCreated!.Summary());
            report
                // No hop recorded (no createdAt read) is a miss, not "n/a".
                .Row($"{name} {rate:F0} msgs/s: hop, A's transaction to a socket on B, p99", hop.Count == 0 ? double.PositiveInfinity : hop.P99,
                    hop.Count == 0 ? "none recorded" : Shown.Milliseconds(hop.P99), Target.NoMoreThan(TargetP99Ms, "<= 10 ms"))
                .Row($"{name} {rate:F0} msgs/s: hop p50 / p99.9", hop.P999, $"{Shown.Milliseconds(hop.P50)} / {Shown.Milliseconds(hop.P999)}")
                .Row($"{name} {rate:F0} msgs/s: same on node A, p50 / p99", onA.P99, $"{Shown.Milliseconds(onA.P50)} / {Shown.Milliseconds(onA.P99)}")
                .Row($"{name} {rate:F0} msgs/s: end to end to B (from the sender), p50 / p99", across.Latency.P99,
                    $"{Shown.Milliseconds(across.Latency.P50)} / {Shown.Milliseconds(across.Latency.P99)}")
                .Row($"{name} {rate:F0} msgs/s: lost (not there 2 s after)", across.Lost + same.Lost, Shown.Count(across.Lost + same.Lost), Target.NoMoreThan(0, "0"));
            report.Note($"{name}: {step.Describe()}");
            report.Details[name] = step;
        }
        report.Note($"after a {RateStep.WarmUp.TotalSeconds:F0} s warm-up at the first rate (not counted); both nodes pinned to the server core; PostgreSQL unpinned; createdAt has millisecond precision and is taken before the commit, so the hop is an upper bound");
        await senders.CloseAsync();
        await SocketFleet.CloseAllAsync([.. receiversOnB, .. receiversOnA]);
        return report;
    }
}
