using Confab.Server.Storage;

namespace Confab.Server.Conversations;

/// <summary>The SQL of members, bans, and the membership periods that tell log readers whose events were whose.</summary>
public sealed class MemberStore
{
    public const string Columns =
        "tenant_id, conversation_id, user_id, role, permissions, title, joined_at, muted_until, notifications_muted, notifications_muted_until, pinned, archived, last_read_seq, last_read_at, last_delivered_seq, last_delivered_at";

    public Task<MemberRow?> FindAsync(DbSession db, string tenantId, string conversationId, string userId) => db.QuerySingleOrDefaultAsync<MemberRow>(
        $"SELECT {Columns} FROM members WHERE tenant_id = @tenantId AND conversation_id = @conversationId AND user_id = @userId",
        new { tenantId, conversationId, userId });

    /// <summary>Members in the order they joined (longest-standing first), from a (joined_at, user_id) cursor.</summary>
    public Task<IReadOnlyList<MemberRow>> ListAsync(DbSession db, string tenantId, string conversationId, (long JoinedAt, string UserId)? after, int limit) =>
        db.QueryAsync<MemberRow>(
            $"""
            SELECT {Columns} FROM members
            WHERE tenant_id = @tenantId AND conversation_id = @conversationId
              AND (@afterJoined IS NULL OR joined_at > @afterJoined OR (joined_at = @afterJoined AND user_id > @afterUser))
            ORDER BY joined_at, user_id LIMIT @limit
            """,
            new { tenantId, conversationId, afterJoined = after?.JoinedAt, afterUser = after?.UserId, limit });

    /// <summary>The first <paramref name="perConversation"/> members of each conversation, in join order.</summary>
    public Task<IReadOnlyList<MemberRow>> FirstMembersAsync(DbSession db, string tenantId, IReadOnlyCollection<string> conversationIds, int perConversation) =>
        conversationIds.Count == 0
            ? Task.FromResult<IReadOnlyList<MemberRow>>([])
            : db.QueryAsync<MemberRow>(
                $"""
                SELECT {Columns} FROM (
                    SELECT {Columns}, ROW_NUMBER() OVER (PARTITION BY conversation_id ORDER BY joined_at, user_id) AS place
                    FROM members WHERE tenant_id = @tenantId AND conversation_id {db.Dialect.AnyOf("@conversationIds")}
                ) ranked WHERE place <= @perConversation
                ORDER BY conversation_id, joined_at, user_id
                """,
                new { tenantId, conversationIds = conversationIds.ToArray(), perConversation });

    /// <summary>(conversation, user) of every admin of these conversations.</summary>
    public Task<IReadOnlyList<MemberRow>> AdminsAsync(DbSession db, string tenantId, IReadOnlyCollection<string> conversationIds) =>
        conversationIds.Count == 0
            ? Task.FromResult<IReadOnlyList<MemberRow>>([])
            : db.QueryAsync<MemberRow>(
                $"SELECT {Columns} FROM members WHERE tenant_id = @tenantId AND conversation_id {db.Dialect.AnyOf("@conversationIds")} AND role = 'admin' ORDER BY joined_at, user_id",
                new { tenantId, conversationIds = conversationIds.ToArray() });

    public Task<IReadOnlyList<string>> UserIdsAsync(DbSession db, string tenantId, string conversationId) =>
        db.QueryAsync<string>("SELECT user_id FROM members WHERE tenant_id = @tenantId AND conversation_id = @conversationId", new { tenantId, conversationId });

    /// <summary>Everyone who shares at least one conversation with the user (the user included).</summary>
    /// <remarks>
    /// CROSS JOIN makes SQLite start from the user's memberships; it started from the other side, to read the user IDs
    /// in order for DISTINCT, and so read every member of the tenant. PostgreSQL plans it as any join.
    /// </remarks>
    public Task<IReadOnlyList<string>> PeersAsync(DbSession db, string tenantId, string userId) => db.QueryAsync<string>(
        """
        SELECT DISTINCT other.user_id FROM members mine
        CROSS JOIN members other
        WHERE mine.tenant_id = @tenantId AND mine.user_id = @userId
          AND other.tenant_id = mine.tenant_id AND other.conversation_id = mine.conversation_id
        """, new { tenantId, userId });

    public Task<IReadOnlyList<string>> ConversationIdsOfUserAsync(DbSession db, string tenantId, string userId) =>
        db.QueryAsync<string>("SELECT conversation_id FROM members WHERE tenant_id = @tenantId AND user_id = @userId ORDER BY conversation_id", new { tenantId, userId });

    /// <summary>Which of these users are members of the conversation.</summary>
    public async Task<HashSet<string>> MembersAmongAsync(DbSession db, string tenantId, string conversationId, IReadOnlyCollection<string> userIds)
    {
        if (userIds.Count == 0) return [];
        var found = await db.QueryAsync<string>(
            $"SELECT user_id FROM members WHERE tenant_id = @tenantId AND conversation_id = @conversationId AND user_id {db.Dialect.AnyOf("@userIds")}",
            new { tenantId, conversationId, userIds = userIds.ToArray() });
        return found.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Adds the member with its receipt pointers at the newest message: history from before joining is not unread.</summary>
    public Task InsertAsync(DbSession db, MemberRow member) => db.ExecuteAsync(
        """
        INSERT INTO members (tenant_id, conversation_id, user_id, role, permissions, title, joined_at, last_read_seq, last_delivered_seq)
        SELECT @TenantId, @ConversationId, @UserId, @Role, @Permissions, @Title, @JoinedAt, last_seq, last_seq
        FROM conversations WHERE tenant_id = @TenantId AND id = @ConversationId
        """, member);

    /// <summary>Opens the member's period at the position of the event that announced the membership.</summary>
    public Task OpenPeriodAsync(DbSession db, MemberRow member, long position) => db.ExecuteAsync(
        """
        INSERT INTO membership_periods (tenant_id, user_id, conversation_id, from_position)
        VALUES (@TenantId, @UserId, @ConversationId, @position)
        """, new { member.TenantId, member.UserId, member.ConversationId, position });

    /// <summary>Removes the member and closes its period at the event position that announced it (inclusive).</summary>
    public async Task DeleteAsync(DbSession db, string tenantId, string conversationId, string userId, long position)
    {
        await db.ExecuteAsync(
            "DELETE FROM members WHERE tenant_id = @tenantId AND conversation_id = @conversationId AND user_id = @userId",
            new { tenantId, conversationId, userId });
        await db.ExecuteAsync(
            """
            UPDATE membership_periods SET to_position = @position
            WHERE tenant_id = @tenantId AND user_id = @userId AND conversation_id = @conversationId AND to_position IS NULL
            """, new { tenantId, conversationId, userId, position });
    }

    /// <summary>Closes every open period of the conversation, which is being deleted at <paramref name="position"/>.</summary>
    public Task CloseAllPeriodsAsync(DbSession db, string tenantId, string conversationId, long position) => db.ExecuteAsync(
        """
        UPDATE membership_periods SET to_position = @position
        WHERE tenant_id = @tenantId AND conversation_id = @conversationId AND to_position IS NULL
        """, new { tenantId, conversationId, position });

    public Task UpdateAsync(DbSession db, MemberRow member) => db.ExecuteAsync(
        """
        UPDATE members SET role = @Role, permissions = @Permissions, title = @Title, muted_until = @MutedUntil,
            notifications_muted = @NotificationsMuted, notifications_muted_until = @NotificationsMutedUntil,
            pinned = @Pinned, archived = @Archived
        WHERE tenant_id = @TenantId AND conversation_id = @ConversationId AND user_id = @UserId
        """, member);

    /// <summary>New activity brings an archived conversation back into every member's list.</summary>
    public Task UnarchiveAllAsync(DbSession db, string tenantId, string conversationId) => db.ExecuteAsync(
        "UPDATE members SET archived = FALSE WHERE tenant_id = @tenantId AND conversation_id = @conversationId AND archived",
        new { tenantId, conversationId });

    /// <summary>Who inherits ownership: the longest-standing admin, else the longest-standing member.</summary>
    public Task<MemberRow?> SuccessorAsync(DbSession db, string tenantId, string conversationId) => db.QuerySingleOrDefaultAsync<MemberRow>(
        $"""
        SELECT {Columns} FROM members WHERE tenant_id = @tenantId AND conversation_id = @conversationId
        ORDER BY CASE WHEN role = 'admin' THEN 0 ELSE 1 END, joined_at, user_id LIMIT 1
        """, new { tenantId, conversationId });

    public Task<long?> BannedUntilAsync(DbSession db, string tenantId, string conversationId, string userId, long now) =>
        db.QuerySingleOrDefaultAsync<long?>(
            """
            SELECT banned_until FROM conversation_bans
            WHERE tenant_id = @tenantId AND conversation_id = @conversationId AND user_id = @userId AND banned_until > @now
            """, new { tenantId, conversationId, userId, now });

    public Task BanAsync(DbSession db, string tenantId, string conversationId, string userId, long until) => db.ExecuteAsync(
        """
        INSERT INTO conversation_bans (tenant_id, conversation_id, user_id, banned_until) VALUES (@tenantId, @conversationId, @userId, @until)
        ON CONFLICT (tenant_id, conversation_id, user_id) DO UPDATE SET banned_until = excluded.banned_until
        """, new { tenantId, conversationId, userId, until });
}
