using Confab.Server.Conversations;
using Confab.Server.Storage;
using Dapper;

namespace Confab.Server.Receipts;

public sealed class ReceiptMove
{
    public string ConversationId { get; init; } = "";
    public string UserId { get; init; } = "";
    public string Status { get; init; } = "";
    public long UpToSeq { get; init; }
    public long At { get; init; }
}

public sealed class PointerFloor
{
    public static readonly PointerFloor Nobody = new();

    public string ConversationId { get; init; } = "";
    public long Others { get; init; }
    public long MinRead { get; init; }
    public long MinDelivered { get; init; }
}

public sealed class MemberReadState
{
    public string UserId { get; init; } = "";
    public string? LastReadMessageId { get; init; }
    public long? LastReadAt { get; init; }
    public string? LastDeliveredMessageId { get; init; }
}

public sealed class UnreadRow
{
    public string ConversationId { get; init; } = "";
    public long UnreadCount { get; init; }
}

/// <summary>The SQL of delivered/read pointers (on member rows), their history, and unread counts.</summary>
public sealed class ReceiptStore
{
    /// <summary>Moves the read pointer (and the delivered one with it) forward to <paramref name="seq"/>.</summary>
    public Task MoveReadAsync(DbSession db, string tenantId, string conversationId, string userId, long seq, long now) => db.ExecuteAsync(
        """
        UPDATE members SET last_read_seq = @seq, last_read_at = @now,
            last_delivered_at = CASE WHEN last_delivered_seq < @seq THEN @now ELSE last_delivered_at END,
            last_delivered_seq = CASE WHEN last_delivered_seq < @seq THEN @seq ELSE last_delivered_seq END
        WHERE tenant_id = @tenantId AND conversation_id = @conversationId AND user_id = @userId AND last_read_seq < @seq
        """, new { tenantId, conversationId, userId, seq, now });

    public Task MoveDeliveredAsync(DbSession db, string tenantId, string conversationId, string userId, long seq, long now) => db.ExecuteAsync(
        """
        UPDATE members SET last_delivered_seq = @seq, last_delivered_at = @now
        WHERE tenant_id = @tenantId AND conversation_id = @conversationId AND user_id = @userId AND last_delivered_seq < @seq
        """, new { tenantId, conversationId, userId, seq, now });

    public Task RecordMoveAsync(DbSession db, string tenantId, string conversationId, string userId, string status, long seq, long now) => db.ExecuteAsync(
        """
        INSERT INTO receipt_moves (tenant_id, conversation_id, user_id, status, up_to_seq, at)
        VALUES (@tenantId, @conversationId, @userId, @status, @seq, @now)
        """, new { tenantId, conversationId, userId, status, seq, now });

    /// <summary>
    /// Per conversation, how far every member but <paramref name="userId"/> has got; conversations with nobody else are
    /// absent. A single conversation (a history page) is named as one value, not a list of one: PostgreSQL costs its
    /// cached plan for a list of any length above a custom plan for a list of one, so it planned that statement again
    /// at every page.
    /// </summary>
    public async Task<Dictionary<string, PointerFloor>> OtherPointerFloorsAsync(DbSession db, string tenantId, IReadOnlyCollection<string> conversationIds, string userId) =>
        (await db.QueryAsync<PointerFloor>(
            $"""
            SELECT conversation_id, COUNT(*) AS others, COALESCE(MIN(last_read_seq), 0) AS min_read, COALESCE(MIN(last_delivered_seq), 0) AS min_delivered
            FROM members WHERE tenant_id = @tenantId AND conversation_id {(conversationIds.Count == 1 ? "= @conversationId" : db.Dialect.AnyOf("@conversationIds"))}
              AND user_id <> @userId
            GROUP BY conversation_id
            """, new { tenantId, conversationId = conversationIds.FirstOrDefault(), conversationIds = conversationIds.ToArray(), userId }))
        .ToDictionary(f => f.ConversationId, StringComparer.Ordinal);

    /// <summary>
    /// Per conversation of at most <paramref name="maxMembers"/> members, every pointer move by a current member other
    /// than <paramref name="userId"/> that covered a message at or after that conversation's seq in
    /// <paramref name="fromSeqs"/>, earliest first.
    /// </summary>
    public Task<IReadOnlyList<ReceiptMove>> MovesCoveringAsync(
        DbSession db, string tenantId, string userId, IReadOnlyDictionary<string, long> fromSeqs, int maxMembers)
    {
        var args = new Dictionary<string, object?>(StringComparer.Ordinal) { ["tenantId"] = tenantId, ["userId"] = userId, ["maxMembers"] = maxMembers };
        var covering = string.Join(" OR ", fromSeqs.Select((from, i) =>
        {
            args[$"c{i}"] = from.Key;
            args[$"s{i}"] = from.Value;
            return $"(r.conversation_id = @c{i} AND r.up_to_seq >= @s{i})";
        }));
        return db.QueryAsync<ReceiptMove>(
            $"""
            SELECT r.conversation_id, r.user_id, r.status, r.up_to_seq, r.at FROM receipt_moves r
            JOIN members m ON m.tenant_id = r.tenant_id AND m.conversation_id = r.conversation_id AND m.user_id = r.user_id
            JOIN conversations c ON c.tenant_id = r.tenant_id AND c.id = r.conversation_id AND c.member_count <= @maxMembers
            WHERE r.tenant_id = @tenantId AND r.user_id <> @userId AND ({covering})
            ORDER BY r.at, r.up_to_seq
            """, args);
    }

    public Task<IReadOnlyList<MemberReadState>> ReadStatesAsync(DbSession db, string tenantId, string conversationId, int limit) =>
        db.QueryAsync<MemberReadState>(
            """
            SELECT m.user_id, r.id AS last_read_message_id, m.last_read_at, d.id AS last_delivered_message_id
            FROM members m
            LEFT JOIN messages r ON r.tenant_id = m.tenant_id AND r.conversation_id = m.conversation_id AND r.seq = m.last_read_seq
            LEFT JOIN messages d ON d.tenant_id = m.tenant_id AND d.conversation_id = m.conversation_id AND d.seq = m.last_delivered_seq
            WHERE m.tenant_id = @tenantId AND m.conversation_id = @conversationId
            ORDER BY m.joined_at, m.user_id LIMIT @limit
            """, new { tenantId, conversationId, limit });

    /// <summary>The user's conversations that have unread messages, with their counts.</summary>
    public Task<IReadOnlyList<UnreadRow>> UnreadAsync(DbSession db, string tenantId, string userId) =>
        db.QueryAsync<UnreadRow>(
            $"""
            SELECT conversation_id, unread_count FROM (
                SELECT m.conversation_id, {ConversationStore.UnreadCountSql} AS unread_count
                FROM members m JOIN conversations c ON c.tenant_id = m.tenant_id AND c.id = m.conversation_id
                WHERE m.tenant_id = @tenantId AND m.user_id = @userId
            ) counted WHERE unread_count > 0 ORDER BY conversation_id
            """, new { tenantId, userId });
}
