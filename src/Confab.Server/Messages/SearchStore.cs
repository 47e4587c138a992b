using Confab.Server.Storage;

namespace Confab.Server.Messages;

public sealed class SearchHit
{
    public string MessageId { get; init; } = "";
    public double Rank { get; init; }
}

/// <summary>
/// The SQL of message search (SQLite FTS5, PostgreSQL tsvector), kept in step with message text by the message service.
/// Filling and emptying <c>message_text</c> is one text for both engines, but for a new entry, which PostgreSQL adds in
/// one statement; matching and ranking are the dialect's.
/// </summary>
public sealed class SearchStore
{
    /// <summary>Indexes changed text as the write commits: the old entry goes, the new one comes.</summary>
    public void Index(WriteSession db, string tenantId, string messageId, string? text)
    {
        Remove(db, tenantId, messageId);
        Add(db, tenantId, messageId, text);
    }

    /// <summary>
    /// Indexes a new message's text as the write commits (<see cref="WriteSession.AtCommit"/>). Where a WITH may
    /// write (PostgreSQL) that is one statement, and the write commits alone. On SQLite it may come after later
    /// writes of the batch, which may have deleted the message, alone or with its conversation or tenant: then
    /// there is nothing to index. No statement here has a RETURNING, which would write out the entries added before it.
    /// </summary>
    public void Add(WriteSession db, string tenantId, string messageId, string? text)
    {
        if (string.IsNullOrEmpty(text)) return;
        var args = new { tenantId, messageId, text };
        if (db.Dialect.WritesInWith)
        {
            db.AtCommit(close => close.ExecuteAsync(
                """
                WITH key AS (INSERT INTO search_keys (tenant_id, message_id) VALUES (@tenantId, @messageId) RETURNING id)
                INSERT INTO message_text (rowid, text) SELECT id, @text FROM key
                """, args));
            return;
        }
        db.AtCommit(async close =>
        {
            if (await close.QuerySingleOrDefaultAsync<long?>("SELECT 1 FROM messages WHERE tenant_id = @tenantId AND id = @messageId AND deleted_at IS NULL", args) is null) return;
            await close.ExecuteAsync("INSERT INTO search_keys (tenant_id, message_id) VALUES (@tenantId, @messageId)", args);
            await close.ExecuteAsync("INSERT INTO message_text (rowid, text) VALUES (last_insert_rowid(), @text)", args);
        });
    }

    /// <summary>Takes a message out of the index as the write commits.</summary>
    public void Remove(WriteSession db, string tenantId, string messageId)
    {
        var args = new { tenantId, messageId };
        db.AtCommit(close => close.ExecuteAsync(
            "DELETE FROM message_text WHERE rowid = (SELECT id FROM search_keys WHERE tenant_id = @tenantId AND message_id = @messageId)", args));
        db.AtCommit(close => close.ExecuteAsync("DELETE FROM search_keys WHERE tenant_id = @tenantId AND message_id = @messageId", args));
    }

    /// <summary>Empties the index of a conversation's messages (the conversation is being deleted).</summary>
    public async Task RemoveConversationAsync(DbSession db, string tenantId, string conversationId)
    {
        const string keysOfConversation =
            "SELECT k.id FROM search_keys k JOIN messages x ON x.tenant_id = k.tenant_id AND x.id = k.message_id WHERE x.tenant_id = @tenantId AND x.conversation_id = @conversationId";
        await db.ExecuteAsync($"DELETE FROM message_text WHERE rowid IN ({keysOfConversation})", new { tenantId, conversationId });
        await db.ExecuteAsync($"DELETE FROM search_keys WHERE id IN ({keysOfConversation})", new { tenantId, conversationId });
    }

    /// <summary>Empties the index of a tenant's messages (the tenant is being deleted).</summary>
    public async Task RemoveTenantAsync(DbSession db, string tenantId)
    {
        await db.ExecuteAsync("DELETE FROM message_text WHERE rowid IN (SELECT k.id FROM search_keys k WHERE k.tenant_id = @tenantId)", new { tenantId });
        await db.ExecuteAsync("DELETE FROM search_keys WHERE tenant_id = @tenantId", new { tenantId });
    }

    /// <summary>
    /// Live messages containing every one of <paramref name="words"/> (the last one as a prefix) in the conversations
    /// the user belongs to now, not hidden for it; best match first, then newest. <paramref name="offset"/> pages.
    /// </summary>
    public Task<IReadOnlyList<SearchHit>> SearchAsync(DbSession db, string tenantId, string userId, IReadOnlyList<string> words, string? conversationId, int offset, int limit) =>
        db.QueryAsync<SearchHit>(
            $"""
            SELECT k.message_id, {db.Dialect.SearchRank("@match")} AS rank
            FROM message_text
            JOIN search_keys k ON k.id = message_text.rowid
            JOIN messages x ON x.tenant_id = k.tenant_id AND x.id = k.message_id
            JOIN members m ON m.tenant_id = x.tenant_id AND m.conversation_id = x.conversation_id AND m.user_id = @userId
            WHERE {db.Dialect.SearchMatch("@match")} AND k.tenant_id = @tenantId AND x.deleted_at IS NULL
              AND (@conversationId IS NULL OR x.conversation_id = @conversationId)
              AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.tenant_id = x.tenant_id AND h.user_id = @userId AND h.message_id = x.id)
            ORDER BY rank, x.created_at DESC, x.id DESC
            LIMIT @limit OFFSET @offset
            """, new { tenantId, userId, match = db.Dialect.SearchArgument(words), conversationId, offset, limit });
}
