using Confab.Server.Events;
using Confab.Server.Hosting;
using Confab.Server.Storage;

namespace Confab.Server.Attachments;

/// <summary>
/// Hourly: deletes uploads no message took within a day, then the blobs nothing points at any more. A blob is
/// deleted only when untouched for <see cref="BlobGrace"/> (an upload in progress touches it first), and its file
/// is removed inside the transaction that deletes its row, so an upload that comes after finds no row and puts
/// the file back.
/// </summary>
public sealed class AttachmentCollector(
    Database database, EventStore events, AttachmentStore store, IBlobStore blobs, TimeProvider clock, ILogger<AttachmentCollector> logger)
    : PeriodicJob(Interval, clock, logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    public static readonly TimeSpan UnattachedLifetime = TimeSpan.FromDays(1);
    public static readonly TimeSpan BlobGrace = TimeSpan.FromHours(1);
    public const int BlobBatch = 500;

    protected override Task RunOnceAsync() => CollectAllAsync();

    public async Task CollectAllAsync()
    {
        foreach (var tenant in await database.ReadAsync(events.TenantPositionsAsync))
        {
            var now = Time.Now(Clock);
            await database.WriteAsync(db => store.DeleteUnattachedAsync(db, tenant.Id, now - (long)UnattachedLifetime.TotalMilliseconds));
            var touchedBefore = now - (long)BlobGrace.TotalMilliseconds;
            while (true)
            {
                var candidates = await database.ReadAsync(db => store.UnreferencedBlobsAsync(db, tenant.Id, touchedBefore, BlobBatch));
                if (candidates.Count == 0) break;
                await database.WriteAsync(async db =>
                {
                    foreach (var sha in await store.DeleteBlobsAsync(db, tenant.Id, candidates, touchedBefore))
                        await blobs.DeleteAsync(BlobKeys.For(tenant.Id, sha));
                });
                if (candidates.Count < BlobBatch) break;
            }
        }
    }
}
