using Confab.Server.Storage;

namespace Confab.Server.Messages;

public sealed class StarRow
{
    public string MessageId { get; init; } = "";
    public long StarredAt { get; init; }
}

/// <summary>The SQL of the messages each user starred.</summary>
public sealed class StarStore
{
    public Task StarAsync(DbSession db, string tenantId, string userId, string conversationId, string messageId, long now) => db.ExecuteAsync(
        """
        INSERT INTO stars (tenant_id, user_id, message_id, conversation_id, starred_at) VALUES (@tenantId, @userId, @messageId, @conversationId, @now)
        ON CONFLICT (tenant_id, user_id, message_id) DO NOTHING
        """, new { tenantId, userId, conversationId, messageId, now });

    public Task UnstarAsync(DbSession db, string tenantId, string userId, string messageId) =>
        db.ExecuteAsync("DELETE FROM stars WHERE tenant_id = @tenantId AND user_id = @userId AND message_id = @messageId", new { tenantId, userId, messageId });

    /// <summary>
    /// The user's starred messages that it can still see (a member of their conversation, not deleted, not
    /// hidden for it), most recently starred first, from a (starred_at, message_id) cursor.
    /// </summary>
    public Task<IReadOnlyList<StarRow>> ListAsync(DbSession db, string tenantId, string userId, (long StarredAt, string MessageId)? before, int limit) =>
        db.QueryAsync<StarRow>(
            """
            SELECT s.message_id, s.starred_at FROM stars s
            JOIN members m ON m.tenant_id = s.tenant_id AND m.conversation_id = s.conversation_id AND m.user_id = s.user_id
            JOIN messages x ON x.tenant_id = s.tenant_id AND x.id = s.message_id AND x.deleted_at IS NULL
            WHERE s.tenant_id = @tenantId AND s.user_id = @userId
              AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.tenant_id = s.tenant_id AND h.user_id = s.user_id AND h.message_id = s.message_id)
              AND (@beforeAt IS NULL OR s.starred_at < @beforeAt OR (s.starred_at = @beforeAt AND s.message_id < @beforeId))
            ORDER BY s.starred_at DESC, s.message_id DESC LIMIT @limit
            """, new { tenantId, userId, beforeAt = before?.StarredAt, beforeId = before?.MessageId, limit });
}
