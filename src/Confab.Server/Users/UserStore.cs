using Confab.Server.Storage;

namespace Confab.Server.Users;

/// <summary>The SQL of users.</summary>
public sealed class UserStore
{
    private const string Columns = "tenant_id, id, name, username, email, avatar_url, status_text, role, metadata, created_at, updated_at, deleted_at, last_seen_at";

    /// <summary>The user, including one that was deleted (its messages still name it).</summary>
    public Task<UserRow?> FindAnyAsync(DbSession db, string tenantId, string id) => db.QuerySingleOrDefaultAsync<UserRow>(
        $"SELECT {Columns} FROM users WHERE tenant_id = @tenantId AND id = @id", new { tenantId, id });

    public async Task<UserRow?> FindAsync(DbSession db, string tenantId, string id) =>
        await FindAnyAsync(db, tenantId, id) is { DeletedAt: null } user ? user : null;

    /// <summary>
    /// The live user, held until commit, for a write that adds something of the user's (a session): a deletion of
    /// the user then waits for this write, and removes what it added, or this one waits for the deletion and finds no user.
    /// </summary>
    public Task<UserRow?> FindHeldAsync(WriteSession db, string tenantId, string id) => db.QuerySingleOrDefaultAsync<UserRow>(
        $"SELECT {Columns} FROM users WHERE tenant_id = @tenantId AND id = @id AND deleted_at IS NULL {db.Dialect.LockedForShare}", new { tenantId, id });

    /// <summary>
    /// The user (deleted ones included), locked until commit, for a transaction that writes the row back from what it
    /// read: a concurrent change, or a deletion, then waits instead of being overwritten or undone.
    /// </summary>
    public Task<UserRow?> FindAnyForUpdateAsync(WriteSession db, string tenantId, string id) => db.QuerySingleOrDefaultAsync<UserRow>(
        $"SELECT {Columns} FROM users WHERE tenant_id = @tenantId AND id = @id {db.Dialect.LockedForWrite}", new { tenantId, id });

    /// <summary>Users by ID, deleted ones included, for rendering senders and participants.</summary>
    public Task<Dictionary<string, UserRow>> FindManyAsync(DbSession db, string tenantId, IEnumerable<string> ids) =>
        db.FindByKeysAsync<UserRow>($"SELECT {Columns} FROM users WHERE tenant_id = @tenantId AND id", tenantId, ids, r => r.Id);

    /// <summary>
    /// Which of these IDs name live users of the tenant. In a write they stay live until it commits: a deletion of one
    /// waits (it locks its user before it lists the user's conversations), or this write waits for the deletion and then
    /// finds the user gone. A write that adds users to a conversation reads them before it locks the conversation,
    /// the deletion's order.
    /// </summary>
    public async Task<HashSet<string>> ExistingAsync(DbSession db, string tenantId, IReadOnlyCollection<string> ids)
    {
        if (ids.Count == 0) return [];
        var found = await db.QueryAsync<string>(
            $"SELECT id FROM users WHERE tenant_id = @tenantId AND id {db.Dialect.AnyOf("@ids")} AND deleted_at IS NULL {(db.InWrite ? db.Dialect.LockedForShare : "")}",
            new { tenantId, ids = ids.ToArray() });
        return found.ToHashSet(StringComparer.Ordinal);
    }

    public Task<IReadOnlyList<UserRow>> SearchAsync(DbSession db, string tenantId, string? query, string? afterId, int limit) => db.QueryAsync<UserRow>(
        $"""
        SELECT {Columns} FROM users
        WHERE tenant_id = @tenantId AND deleted_at IS NULL AND (@afterId IS NULL OR id > @afterId)
          AND (@pattern IS NULL OR search_key LIKE @pattern ESCAPE '\')
        ORDER BY id LIMIT @limit
        """,
        new { tenantId, afterId, limit, pattern = SearchText.ContainsPattern(query) });

    public async Task<bool> UsernameTakenAsync(DbSession db, string tenantId, string username, string exceptUserId) =>
        await db.ScalarAsync<long>(
            "SELECT COUNT(*) FROM users WHERE tenant_id = @tenantId AND username IS NOT NULL AND deleted_at IS NULL AND lower(username) = lower(@username) AND id <> @exceptUserId",
            new { tenantId, username, exceptUserId }) > 0;

    public Task InsertAsync(DbSession db, UserRow user) => db.ExecuteAsync(
        """
        INSERT INTO users (tenant_id, id, name, username, email, avatar_url, status_text, role, metadata, search_key, created_at, updated_at, deleted_at)
        VALUES (@TenantId, @Id, @Name, @Username, @Email, @AvatarUrl, @StatusText, @Role, @Metadata, @SearchKey, @CreatedAt, @UpdatedAt, @DeletedAt)
        """, user);

    /// <summary>Overwrites the profile (and revives a deleted user of that ID).</summary>
    public Task UpdateAsync(DbSession db, UserRow user) => db.ExecuteAsync(
        """
        UPDATE users SET name = @Name, username = @Username, email = @Email, avatar_url = @AvatarUrl, status_text = @StatusText,
            role = @Role, metadata = @Metadata, search_key = @SearchKey, updated_at = @UpdatedAt, deleted_at = NULL
        WHERE tenant_id = @TenantId AND id = @Id
        """, user);

    public Task SetLastSeenAsync(DbSession db, string tenantId, string id, long at) =>
        db.ExecuteAsync("UPDATE users SET last_seen_at = @at WHERE tenant_id = @tenantId AND id = @id", new { tenantId, id, at });

    public Task MarkDeletedAsync(DbSession db, string tenantId, string id, bool anonymize, long now) => db.ExecuteAsync(
        anonymize
            ? """
              UPDATE users SET name = @deletedName, username = NULL, email = NULL, avatar_url = NULL, status_text = NULL,
                  metadata = NULL, search_key = lower(id), updated_at = @now, deleted_at = @now
              WHERE tenant_id = @tenantId AND id = @id
              """
            : "UPDATE users SET updated_at = @now, deleted_at = @now WHERE tenant_id = @tenantId AND id = @id",
        new { tenantId, id, now, deletedName = UserService.DeletedUserName });

    /// <summary>A tenant-wide ban until <paramref name="until"/> (null lifts it).</summary>
    public Task SetBanAsync(DbSession db, string tenantId, string userId, long? until) =>
        db.ExecuteAsync("UPDATE users SET banned_until = @until WHERE tenant_id = @tenantId AND id = @userId", new { tenantId, userId, until });
}
