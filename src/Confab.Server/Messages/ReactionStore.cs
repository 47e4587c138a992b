using Confab.Server.Storage;

namespace Confab.Server.Messages;

public sealed class ReactionRow
{
    public string MessageId { get; init; } = "";
    public string Emoji { get; init; } = "";
    public string UserId { get; init; } = "";
    public long CreatedAt { get; init; }
}

/// <summary>The SQL of reactions.</summary>
public sealed class ReactionStore
{
    /// <summary>Adds the user's reaction; false when it was already there.</summary>
    public async Task<bool> AddAsync(DbSession db, string tenantId, string conversationId, string messageId, string emoji, string userId, long now) =>
        await db.ExecuteAsync(
            """
            INSERT INTO reactions (tenant_id, message_id, emoji, user_id, conversation_id, created_at)
            VALUES (@tenantId, @messageId, @emoji, @userId, @conversationId, @now)
            ON CONFLICT (tenant_id, message_id, emoji, user_id) DO NOTHING
            """, new { tenantId, conversationId, messageId, emoji, userId, now }) > 0;

    /// <summary>Removes the user's reaction; false when there was none.</summary>
    public async Task<bool> RemoveAsync(DbSession db, string tenantId, string messageId, string emoji, string userId) =>
        await db.ExecuteAsync(
            "DELETE FROM reactions WHERE tenant_id = @tenantId AND message_id = @messageId AND emoji = @emoji AND user_id = @userId",
            new { tenantId, messageId, emoji, userId }) > 0;

    public async Task<bool> HasEmojiAsync(DbSession db, string tenantId, string messageId, string emoji) =>
        await db.ScalarAsync<long>("SELECT COUNT(*) FROM reactions WHERE tenant_id = @tenantId AND message_id = @messageId AND emoji = @emoji",
            new { tenantId, messageId, emoji }) > 0;

    public Task<long> DistinctEmojiAsync(DbSession db, string tenantId, string messageId) =>
        db.ScalarAsync<long>("SELECT COUNT(DISTINCT emoji) FROM reactions WHERE tenant_id = @tenantId AND message_id = @messageId",
            new { tenantId, messageId });

    /// <summary>Every reaction to these messages, oldest first.</summary>
    public Task<IReadOnlyList<ReactionRow>> ForMessagesAsync(DbSession db, string tenantId, IReadOnlyCollection<string> messageIds) =>
        messageIds.Count == 0
            ? Task.FromResult<IReadOnlyList<ReactionRow>>([])
            : db.QueryAsync<ReactionRow>(
                $"""
                SELECT message_id, emoji, user_id, created_at FROM reactions
                WHERE tenant_id = @tenantId AND message_id {db.Dialect.AnyOf("@messageIds")} ORDER BY created_at, emoji, user_id
                """, new { tenantId, messageIds = messageIds.ToArray() });

    public Task DeleteForMessageAsync(DbSession db, string tenantId, string messageId) =>
        db.ExecuteAsync("DELETE FROM reactions WHERE tenant_id = @tenantId AND message_id = @messageId", new { tenantId, messageId });
}
