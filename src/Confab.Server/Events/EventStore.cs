using System.Data.Common;
using Confab.Server.Storage;

namespace Confab.Server.Events;

public sealed class LoggedEvent
{
    public string TenantId { get; init; } = "";
    public long Position { get; init; }
    public string Type { get; init; } = "";
    public string? ConversationId { get; init; }
    public string? UserId { get; init; }
    public string Payload { get; init; } = "";
}

public sealed class LogBounds
{
    public long PrunedThrough { get; init; }
    public long EventPosition { get; init; }
}

public sealed class TenantPosition
{
    public string Id { get; init; } = "";
    public long EventPosition { get; init; }
}

/// <summary>The SQL of the event log: appending, a tenant's tail for the dispatcher, one user's stream for resume, pruning.</summary>
public sealed class EventStore
{
    private const string Columns = "e.tenant_id, e.position, e.type, e.conversation_id, e.user_id, e.payload";

    /// <summary>Takes the tenant's next position; its row stays locked until commit.</summary>
    private const string NextPosition = "UPDATE tenants SET event_position = event_position + 1 WHERE id = @tenantId RETURNING event_position";

    private const string InsertEvent = "INSERT INTO events (tenant_id, position, type, conversation_id, user_id, payload, created_at)";

    /// <summary>
    /// Appends an event at the tenant's next position, and returns it; null if there is no such tenant. The tenant row
    /// stays locked until commit, so positions follow commit order. Where a WITH clause may write (PostgreSQL), taking
    /// the position and inserting the event are one statement, which a write's closing batch sends with its commit
    /// (<see cref="WriteSession.AtClose"/>): a missing tenant then leaves the position null, which the column refuses,
    /// so that the commit behind it never runs.
    /// </summary>
    public async Task<long?> AppendAsync(DbSession db, string tenantId, string type, string? conversationId, string? userId, string payload, long now)
    {
        if (db.Dialect.WritesInWith)
        {
            try
            {
                return await db.ScalarAsync<long?>(
                    $"""
                    WITH next AS ({NextPosition})
                    {InsertEvent}
                    SELECT @tenantId, (SELECT event_position FROM next), @type, @conversationId, @userId, @payload, @now
                    RETURNING position
                    """, new { tenantId, type, conversationId, userId, payload, now });
            }
            catch (DbException error) when (db.Dialect.IsNullRefused(error, "events", "position"))
            {
                return null;
            }
        }
        var position = await db.ScalarAsync<long?>(NextPosition, new { tenantId });
        if (position is null) return null;
        await db.ExecuteAsync(
            $"""
            {InsertEvent}
            VALUES (@tenantId, @position, @type, @conversationId, @userId, @payload, @now)
            """, new { tenantId, position, type, conversationId, userId, payload, now });
        return position;
    }

    public Task<IReadOnlyList<LoggedEvent>> ReadTenantAsync(DbSession db, string tenantId, long afterPosition, int limit) => db.QueryAsync<LoggedEvent>(
        $"SELECT {Columns} FROM events e WHERE e.tenant_id = @tenantId AND e.position > @afterPosition ORDER BY e.position LIMIT @limit",
        new { tenantId, afterPosition, limit });

    /// <summary>
    /// The user's own events after <paramref name="since"/>, and the events of every conversation while
    /// the user belonged to it (its membership periods), in log order.
    /// </summary>
    /// <remarks>
    /// Written for SQLite's planner, harmless to PostgreSQL's: CROSS JOIN starts from the user's periods, and
    /// the unary plus keeps the outer ORDER BY from choosing the tenant-wide (tenant_id, position) key for the
    /// events. Either way SQLite would walk every event of the tenant after <paramref name="since"/> for each
    /// period, instead of seeking each conversation's events by index and sorting the few it finds.
    /// </remarks>
    public Task<IReadOnlyList<LoggedEvent>> ReadForUserAsync(DbSession db, string tenantId, string userId, long since, int limit) => db.QueryAsync<LoggedEvent>(
        $"""
        SELECT * FROM (
            SELECT {Columns} FROM events e
            WHERE e.tenant_id = @tenantId AND e.user_id = @userId AND e.position > @since
            UNION ALL
            SELECT e.tenant_id, +e.position AS position, e.type, e.conversation_id, e.user_id, e.payload FROM membership_periods p
            CROSS JOIN events e
            WHERE p.tenant_id = @tenantId AND p.user_id = @userId AND (p.to_position IS NULL OR p.to_position > @since)
              AND e.tenant_id = p.tenant_id AND e.conversation_id = p.conversation_id
              AND e.position >= p.from_position AND (p.to_position IS NULL OR e.position <= p.to_position) AND e.position > @since
        ) stream ORDER BY position LIMIT @limit
        """, new { tenantId, userId, since, limit });

    /// <summary>Who belonged to the conversation when the event at <paramref name="position"/> was appended.</summary>
    public async Task<HashSet<string>> MembersAtAsync(DbSession db, string tenantId, string conversationId, long position) =>
        (await db.QueryAsync<string>(
            """
            SELECT user_id FROM membership_periods
            WHERE tenant_id = @tenantId AND conversation_id = @conversationId AND from_position <= @position
              AND (to_position IS NULL OR to_position >= @position)
            """, new { tenantId, conversationId, position })).ToHashSet(StringComparer.Ordinal);

    public Task<IReadOnlyList<TenantPosition>> TenantPositionsAsync(DbSession db) =>
        db.QueryAsync<TenantPosition>("SELECT id, event_position FROM tenants");

    public Task<long> LastPositionAsync(DbSession db, string tenantId) =>
        db.ScalarAsync<long>("SELECT event_position FROM tenants WHERE id = @tenantId", new { tenantId });

    /// <summary>Where the tenant's log starts and ends: events up to <see cref="LogBounds.PrunedThrough"/> are gone.</summary>
    public async Task<LogBounds> BoundsAsync(DbSession db, string tenantId) =>
        await db.QuerySingleOrDefaultAsync<LogBounds>("SELECT pruned_through, event_position FROM tenants WHERE id = @tenantId", new { tenantId })
        ?? new LogBounds();

    /// <summary>Drops a prefix of the log: every event up to the newest one created before <paramref name="cutoff"/>.</summary>
    public async Task PruneAsync(DbSession db, string tenantId, long cutoff)
    {
        var through = await db.ScalarAsync<long?>(
            "SELECT MAX(position) FROM events WHERE tenant_id = @tenantId AND created_at < @cutoff", new { tenantId, cutoff });
        if (through is null) return;
        await db.ExecuteAsync("DELETE FROM events WHERE tenant_id = @tenantId AND position <= @through", new { tenantId, through });
        await db.ExecuteAsync("DELETE FROM membership_periods WHERE tenant_id = @tenantId AND to_position <= @through", new { tenantId, through });
        await db.ExecuteAsync("UPDATE tenants SET pruned_through = @through WHERE id = @tenantId AND pruned_through < @through", new { tenantId, through });
    }
}
