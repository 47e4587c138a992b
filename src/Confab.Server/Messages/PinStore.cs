using Confab.Server.Storage;

namespace Confab.Server.Messages;

public sealed class PinRow
{
    public string MessageId { get; init; } = "";
    public long PinnedAt { get; init; }
}

/// <summary>The SQL of pinned messages.</summary>
public sealed class PinStore
{
    public async Task<bool> PinAsync(DbSession db, string tenantId, string conversationId, string messageId, string userId, long now) =>
        await db.ExecuteAsync(
            """
            INSERT INTO pins (tenant_id, conversation_id, message_id, pinned_by, pinned_at) VALUES (@tenantId, @conversationId, @messageId, @userId, @now)
            ON CONFLICT (tenant_id, conversation_id, message_id) DO NOTHING
            """, new { tenantId, conversationId, messageId, userId, now }) > 0;

    public async Task<bool> UnpinAsync(DbSession db, string tenantId, string conversationId, string messageId) =>
        await db.ExecuteAsync("DELETE FROM pins WHERE tenant_id = @tenantId AND conversation_id = @conversationId AND message_id = @messageId",
            new { tenantId, conversationId, messageId }) > 0;

    public async Task<HashSet<string>> PinnedAmongAsync(DbSession db, string tenantId, IReadOnlyCollection<string> messageIds) =>
        messageIds.Count == 0
            ? []
            : (await db.QueryAsync<string>($"SELECT message_id FROM pins WHERE tenant_id = @tenantId AND message_id {db.Dialect.AnyOf("@messageIds")}",
                new { tenantId, messageIds = messageIds.ToArray() })).ToHashSet(StringComparer.Ordinal);

    /// <summary>The conversation's pins, most recently pinned first, from a (pinned_at, message_id) cursor.</summary>
    public Task<IReadOnlyList<PinRow>> ListAsync(DbSession db, string tenantId, string conversationId, (long PinnedAt, string MessageId)? before, int limit) =>
        db.QueryAsync<PinRow>(
            """
            SELECT message_id, pinned_at FROM pins
            WHERE tenant_id = @tenantId AND conversation_id = @conversationId
              AND (@beforeAt IS NULL OR pinned_at < @beforeAt OR (pinned_at = @beforeAt AND message_id < @beforeId))
            ORDER BY pinned_at DESC, message_id DESC LIMIT @limit
            """, new { tenantId, conversationId, beforeAt = before?.PinnedAt, beforeId = before?.MessageId, limit });

    public Task DeleteForMessageAsync(DbSession db, string tenantId, string messageId) =>
        db.ExecuteAsync("DELETE FROM pins WHERE tenant_id = @tenantId AND message_id = @messageId", new { tenantId, messageId });
}
