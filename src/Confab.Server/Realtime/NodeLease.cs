using Confab.Server.Hosting;
using Confab.Server.Storage;
using Microsoft.Extensions.Options;

namespace Confab.Server.Realtime;

/// <summary>
/// Keeps this node's lease in the store's <c>nodes</c> table (renewed every quarter lease) and forgets the
/// nodes whose lease ran out: their users that are online nowhere else turn offline. So a user whose only
/// node died turns offline at most a lease and a heartbeat after that node's last renewal. On the embedded
/// store only one process runs, so at start-up every other node is gone already. A node that stops on purpose
/// closes its sockets (each taking its user's presence row with it) and lets its lease run out.
/// Leases use the real clock, not the server's injectable one: they are kept between processes.
/// </summary>
public sealed partial class NodeLease(
    Database database, PresenceStore store, PresenceService presence, NodeIdentity node, IOptions<ConfabOptions> options, ILogger<NodeLease> logger)
    : BackgroundService
{
    private TimeSpan Lease => TimeSpan.FromSeconds(options.Value.NodeLeaseSeconds);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await RenewAndSweepAsync(starting: true);
        await presence.ReloadAsync();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Lease / 4);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RenewAndSweepAsync(starting: false);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                LogHeartbeatFailed(logger, error);
            }
        }
    }

    private async Task RenewAndSweepAsync(bool starting)
    {
        var now = DateTimeOffset.UtcNow;
        var gone = await database.WriteAsync(async db =>
        {
            await store.RenewLeaseAsync(db, node.Id, (now + Lease).ToUnixTimeMilliseconds());
            return await store.RemoveDeadNodesAsync(db, node.Id, now.ToUnixTimeMilliseconds(), everyOther: starting && !options.Value.UsesPostgres);
        });
        foreach (var user in gone) await presence.NodeLostAsync(user);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing this node's lease or sweeping dead nodes failed; trying again at the next heartbeat")]
    private static partial void LogHeartbeatFailed(ILogger logger, Exception error);
}
