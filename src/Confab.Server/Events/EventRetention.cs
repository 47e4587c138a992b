using Confab.Server.Hosting;
using Confab.Server.Storage;
using Confab.Server.Tenants;

namespace Confab.Server.Events;

/// <summary>Prunes each tenant's log to its <c>eventRetentionDays</c>, hourly; a reader from before that must resync.</summary>
public sealed class EventRetention(Database database, EventStore events, TenantStore tenants, TimeProvider clock, ILogger<EventRetention> logger)
    : PeriodicJob(Interval, clock, logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override Task RunOnceAsync() => PruneAllAsync();

    public async Task PruneAllAsync()
    {
        foreach (var tenant in await database.ReadAsync(events.TenantPositionsAsync))
        {
            await database.WriteAsync(async db =>
            {
                if (await tenants.FindSettingsAsync(db, tenant.Id) is { } settings)
                    await events.PruneAsync(db, tenant.Id, Time.Now(Clock) - settings.EventRetentionDays * 86_400_000L);
            });
        }
    }
}
