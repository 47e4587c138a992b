using Confab.Server.Http;
using Confab.Server.Storage;

namespace Confab.Server.Events;

/// <summary>One user's durable event stream, read from the log: what resume and the long-poll replay.</summary>
public sealed class UserEventFeed(Database database, EventStore store)
{
    public const int MaxBatch = 500;

    /// <summary>
    /// Events after <paramref name="since"/>, oldest first. 410 <c>RESYNC_REQUIRED</c> when part of the range is
    /// gone (checked after the read, so a prune racing with it is never missed), or when <paramref name="since"/>
    /// is ahead of the log (a position from before a restore, say), which would otherwise hide new events.
    /// </summary>
    public Task<IReadOnlyList<LoggedEvent>> ReadAsync(string tenantId, string userId, long since, int limit) => database.ReadAsync(async db =>
    {
        // One round trip; the bounds are read after the events, in the same snapshot.
        var reads = db.Batch();
        var eventsRead = store.ReadForUserAsync(reads, tenantId, userId, since, limit);
        var boundsRead = store.BoundsAsync(reads, tenantId);
        await reads.RunAsync();
        var (events, bounds) = (await eventsRead, await boundsRead);
        if (since < bounds.PrunedThrough)
            throw new ApiException(410, ErrorCodes.ResyncRequired, "Events since that position are past the retention window; refetch over REST.");
        if (since > bounds.EventPosition)
            throw new ApiException(410, ErrorCodes.ResyncRequired, "That position is ahead of the event log; refetch over REST.");
        return events;
    });

    public Task<long> LastPositionAsync(string tenantId) => database.ReadStatementAsync(db => store.LastPositionAsync(db, tenantId));
}
