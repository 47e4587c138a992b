using Confab.Server.Storage;

namespace Confab.Server.Conversations;

/// <summary>A conversation of the caller's list, with the caller's member row and unread count.</summary>
public sealed class ListedConversation
{
    public required ConversationRow Conversation { get; init; }
    public required MemberRow Member { get; init; }
    public required UnreadCounts Unread { get; init; }
}

/// <summary>A member's unread messages in a conversation, and how many of them mention it.</summary>
public sealed class UnreadCounts
{
    public static readonly UnreadCounts None = new();

    public long UnreadCount { get; init; }
    public long UnreadMentionCount { get; init; }
}

public sealed record ConversationFilter(
    string? Type, bool? Pinned, bool? Muted, bool Archived, bool? HasUnread, string? Query, string? Role, long Now);

/// <summary>The SQL of conversations.</summary>
public sealed class ConversationStore
{
    public const string Columns =
        "tenant_id, id, type, title, description, avatar_url, public_username, read_only, metadata, owner_id, direct_key, member_count, last_seq, activity_at, created_at, updated_at";

    /// <summary>
    /// Up to how many messages past a member's read pointer its unread count reads them one by one
    /// (<see cref="UnreadCountSql"/>).
    /// </summary>
    public const int UnreadCountedOneByOneUpTo = 64;

    /// <summary>
    /// Unread messages of member <c>m</c> of conversation <c>c</c> (joined by the statement): others' live messages
    /// past its read pointer, not hidden by it. A few past
    /// the pointer are read one by one. Beyond <see cref="UnreadCountedOneByOneUpTo"/>, the count is the messages past
    /// the pointer less those that do not count (its own, others' deleted ones, others' live ones it hid), each
    /// counted from an index: reading them all took a read mark, which counts the user's unread in every conversation
    /// (<c>unread.updated</c>) inside its write, 130 ms for a member 101,000 messages behind. Seqs run from 1 without
    /// a gap, and a message row goes only with its conversation, so the conversation's last seq less the pointer is
    /// the number of messages past it.
    /// </summary>
    public static readonly string UnreadCountSql =
        $"""
        (CASE WHEN c.last_seq <= m.last_read_seq THEN 0
          WHEN c.last_seq - m.last_read_seq <= {UnreadCountedOneByOneUpTo} THEN (SELECT COUNT(*) {UnreadMessages("")})
          ELSE c.last_seq - m.last_read_seq
          - (SELECT COUNT(*) FROM messages x
             WHERE x.tenant_id = m.tenant_id AND x.conversation_id = m.conversation_id AND x.sender_id = m.user_id AND x.seq > m.last_read_seq)
          - (SELECT COUNT(*) FROM messages x
             WHERE x.tenant_id = m.tenant_id AND x.conversation_id = m.conversation_id AND x.deleted_at IS NOT NULL AND x.seq > m.last_read_seq
               AND COALESCE(x.sender_id, '') <> m.user_id)
          - (SELECT COUNT(*) FROM hidden_messages h JOIN messages x ON x.tenant_id = h.tenant_id AND x.id = h.message_id
             WHERE h.tenant_id = m.tenant_id AND h.user_id = m.user_id AND h.conversation_id = m.conversation_id
               AND x.seq > m.last_read_seq AND x.deleted_at IS NULL AND COALESCE(x.sender_id, '') <> m.user_id) END)
        """;

    /// <summary>Those of the unread messages that mention member <c>m</c> (mentions are a JSON array of user IDs).</summary>
    public static readonly string UnreadMentionCountSql =
        $"(SELECT COUNT(*) {UnreadMessages("AND instr(COALESCE(x.mentions, ''), '\"' || m.user_id || '\"') > 0")})";

    /// <summary>Whether member <c>m</c> has any unread message: stops at the first, where a count reads them all.</summary>
    private static readonly string HasUnreadSql = $"EXISTS (SELECT 1 {UnreadMessages("")})";

    private static string UnreadMessages(string condition) =>
        $"""
        FROM messages x
        WHERE x.tenant_id = m.tenant_id AND x.conversation_id = m.conversation_id AND x.seq > m.last_read_seq
          AND x.deleted_at IS NULL AND COALESCE(x.sender_id, '') <> m.user_id {condition}
          AND NOT EXISTS (SELECT 1 FROM hidden_messages h WHERE h.tenant_id = x.tenant_id AND h.user_id = m.user_id AND h.message_id = x.id)
        """;

    public async Task<UnreadCounts> UnreadCountsAsync(DbSession db, string tenantId, string conversationId, string userId) =>
        await db.QuerySingleOrDefaultAsync<UnreadCounts>(
            $"""
            SELECT {UnreadCountSql} AS unread_count, {UnreadMentionCountSql} AS unread_mention_count
            FROM members m JOIN conversations c ON c.tenant_id = m.tenant_id AND c.id = m.conversation_id
            WHERE m.tenant_id = @tenantId AND m.conversation_id = @conversationId AND m.user_id = @userId
            """, new { tenantId, conversationId, userId }) ?? UnreadCounts.None;

    public Task InsertAsync(DbSession db, ConversationRow row) => db.ExecuteAsync(
        """
        INSERT INTO conversations (tenant_id, id, type, title, description, avatar_url, public_username, read_only, metadata, owner_id,
            direct_key, search_key, member_count, last_seq, activity_at, created_at, updated_at)
        VALUES (@TenantId, @Id, @Type, @Title, @Description, @AvatarUrl, @PublicUsername, @ReadOnly, @Metadata, @OwnerId,
            @DirectKey, @SearchKey, @MemberCount, 0, @ActivityAt, @CreatedAt, @UpdatedAt)
        """, row);

    /// <summary>The conversation; in a write transaction, locked until commit, so that what is written back from it (member count) is not stale.</summary>
    public Task<ConversationRow?> FindAsync(DbSession db, string tenantId, string id) => db.QuerySingleOrDefaultAsync<ConversationRow>(
        $"SELECT {Columns} FROM conversations WHERE tenant_id = @tenantId AND id = @id {(db.InWrite ? db.Dialect.LockedForWrite : "")}",
        new { tenantId, id });

    private static readonly string ConversationAndMemberColumns = $"{SqlColumns.Prefixed(Columns, "c")}, {SqlColumns.Prefixed(MemberStore.Columns, "m")}";

    private static readonly string FindWithMemberSql =
        $"""
        SELECT {ConversationAndMemberColumns}
        FROM conversations c LEFT JOIN members m ON m.tenant_id = c.tenant_id AND m.conversation_id = c.id AND m.user_id = @userId
        WHERE c.tenant_id = @tenantId AND c.id = @id
        """;

    /// <summary>The conversation with the user's membership of it (null if none), in one statement; for reads (it locks nothing).</summary>
    public async Task<ConversationAccess?> FindWithMemberAsync(DbSession db, string tenantId, string id, string userId) =>
        (await db.QueryAsync<ConversationRow, MemberRow, ConversationAccess>(FindWithMemberSql,
            (conversation, member) => new ConversationAccess(conversation, member), new { tenantId, id, userId }, splitOn: "tenant_id")).SingleOrDefault();

    public Task<ConversationRow?> FindDirectAsync(DbSession db, string tenantId, string directKey) => db.QuerySingleOrDefaultAsync<ConversationRow>(
        $"SELECT {Columns} FROM conversations WHERE tenant_id = @tenantId AND direct_key = @directKey", new { tenantId, directKey });

    /// <summary>Frees the pair keys of the user's direct conversations, so a user later made with the same ID starts new ones.</summary>
    public Task ForgetDirectPairsAsync(DbSession db, string tenantId, string userId) => db.ExecuteAsync(
        """
        UPDATE conversations SET direct_key = NULL
        WHERE tenant_id = @tenantId AND direct_key IS NOT NULL
          AND id IN (SELECT conversation_id FROM members WHERE tenant_id = @tenantId AND user_id = @userId)
        """, new { tenantId, userId });

    public async Task<bool> PublicUsernameTakenAsync(DbSession db, string tenantId, string publicUsername) =>
        await db.ScalarAsync<long>(
            "SELECT COUNT(*) FROM conversations WHERE tenant_id = @tenantId AND public_username IS NOT NULL AND lower(public_username) = lower(@publicUsername)",
            new { tenantId, publicUsername }) > 0;

    public Task UpdateSharedAsync(DbSession db, ConversationRow row) => db.ExecuteAsync(
        """
        UPDATE conversations SET title = @Title, description = @Description, avatar_url = @AvatarUrl, read_only = @ReadOnly,
            metadata = @Metadata, search_key = @SearchKey, owner_id = @OwnerId, member_count = @MemberCount, updated_at = @UpdatedAt
        WHERE tenant_id = @TenantId AND id = @Id
        """, row);

    /// <summary>Records the conversation's newest message seq and marks it active.</summary>
    public Task SetLastSeqAsync(DbSession db, string tenantId, string id, long seq, long now) => db.ExecuteAsync(
        "UPDATE conversations SET last_seq = @seq, activity_at = @now WHERE tenant_id = @tenantId AND id = @id",
        new { tenantId, id, seq, now });

    /// <summary>Deletes the conversation and its messages; the search index and attachments are emptied by their own stores first.</summary>
    public async Task DeleteAsync(DbSession db, string tenantId, string id)
    {
        foreach (var table in new[] { "members", "conversation_bans", "messages", "hidden_messages", "receipt_moves", "reactions", "pins", "stars", "reports" })
            await db.ExecuteAsync($"DELETE FROM {table} WHERE tenant_id = @tenantId AND conversation_id = @id", new { tenantId, id });
        await db.ExecuteAsync("DELETE FROM conversations WHERE tenant_id = @tenantId AND id = @id", new { tenantId, id });
    }

    /// <summary>The caller's conversations, most recent activity first, filtered; the cursor is (activity, id).</summary>
    /// <remarks>
    /// The page is chosen first and counted after: counting in the same select costs a count for every conversation the user is in, before the sort.
    /// The statement holds only the filters that are set: PostgreSQL's cached plan for "@x IS NULL OR ..." guessed a
    /// handful of rows and probed the user's members once per conversation of the tenant (4.4 ms for 1,000, against 1.5 ms).
    /// </remarks>
    public async Task<IReadOnlyList<ListedConversation>> ListForUserAsync(
        DbSession db, string tenantId, string userId, ConversationFilter filter, (long ActivityAt, string Id)? after, int limit)
    {
        var pattern = SearchText.ContainsPattern(filter.Query);
        return await db.QueryAsync<ConversationRow, MemberRow, UnreadCounts, ListedConversation>(
            $"""
            SELECT {ConversationAndMemberColumns}, {UnreadCountSql} AS unread_count, {UnreadMentionCountSql} AS unread_mention_count
            FROM (
                SELECT c.id FROM members m JOIN conversations c ON c.tenant_id = m.tenant_id AND c.id = m.conversation_id
                WHERE m.tenant_id = @tenantId AND m.user_id = @userId AND m.archived = @archived{FilterConditions(filter, pattern is not null, after is not null)}
                ORDER BY c.activity_at DESC, c.id DESC
                LIMIT @limit
            ) page
            JOIN conversations c ON c.tenant_id = @tenantId AND c.id = page.id
            JOIN members m ON m.tenant_id = c.tenant_id AND m.conversation_id = c.id AND m.user_id = @userId
            ORDER BY c.activity_at DESC, c.id DESC
            """,
            (conversation, member, unread) => new ListedConversation { Conversation = conversation, Member = member, Unread = unread },
            new
            {
                tenantId, userId, archived = filter.Archived, type = filter.Type, pinned = filter.Pinned, muted = filter.Muted,
                role = filter.Role, pattern, hasUnread = filter.HasUnread, now = filter.Now,
                afterActivity = after?.ActivityAt, afterId = after?.Id, limit,
            },
            splitOn: "tenant_id,unread_count");
    }

    /// <summary>The list's conditions for the filters that are set (the search pattern and the cursor as told), each after AND on a line of its own.</summary>
    private static string FilterConditions(ConversationFilter filter, bool searched, bool paged) => string.Concat(new (bool Set, string Condition)[]
        {
            (filter.Type is not null, "c.type = @type"),
            (filter.Pinned is not null, "m.pinned = @pinned"),
            (filter.Muted is not null, "(m.notifications_muted AND (m.notifications_muted_until IS NULL OR m.notifications_muted_until > @now)) = @muted"),
            (filter.Role is not null, "m.role = @role"),
            (searched, "c.search_key LIKE @pattern ESCAPE '\\'"),
            (paged, "(c.activity_at < @afterActivity OR (c.activity_at = @afterActivity AND c.id < @afterId))"),
            (filter.HasUnread is not null, $"{HasUnreadSql} = @hasUnread"),
        }.Where(condition => condition.Set).Select(condition => $"\n      AND {condition.Condition}"));
}
