using Confab.Server.Hosting;
using Confab.Server.Storage;
using Confab.Server.Tenants;

namespace Confab.Server.Events;

/// <summary>Prunes each tenant's log to its <c>eventRetentionDays</c>, hourly; a reader from before that must resync.</summary>
public sealed partial class EventRetention(Database database, EventStore events, TenantStore tenants, TimeProvider clock, ILogger<EventRetention> logger)
    : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        do
        {
            try
            {
                await PruneAllAsync();
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                LogPruneFailed(logger, error);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task PruneAllAsync()
    {
        foreach (var tenant in await database.ReadAsync(events.TenantPositionsAsync))
        {
            await database.WriteAsync(async db =>
            {
                if (await tenants.FindSettingsAsync(db, tenant.Id) is { } settings)
                    await events.PruneAsync(db, tenant.Id, Time.Now(clock) - settings.EventRetentionDays * 86_400_000L);
            });
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Pruning the event log failed; will try again")]
    private static partial void LogPruneFailed(ILogger logger, Exception error);
}
