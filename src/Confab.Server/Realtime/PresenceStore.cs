using Confab.Server.Storage;

namespace Confab.Server.Realtime;

public sealed class PresenceRow
{
    public string TenantId { get; init; } = "";
    public string UserId { get; init; } = "";
    public string Status { get; init; } = "";
}

/// <summary>The SQL of presence across nodes: which node has sockets of which user, and the nodes' leases.</summary>
public sealed class PresenceStore
{
    /// <summary>
    /// Serialises the user's presence changes across nodes until commit (SQLite has one writer anyway); whether the user
    /// is live. A deletion of the user, or of its tenant (which deletes users before presence and the tenant's row),
    /// waits for this write, or this one waits for the deletion and learns the user is gone. What this write added then
    /// goes with the tenant's rows, or with the user's sockets, which a user deletion closes.
    /// </summary>
    public async Task<bool> LockUserAsync(DbSession db, string tenantId, string userId) =>
        await db.QueryAsync<long?>(
            $"SELECT deleted_at FROM users WHERE tenant_id = @tenantId AND id = @userId {db.Dialect.LockedForWrite}", new { tenantId, userId })
            is [null];

    /// <summary>The user's status on some other node where it is online, or null.</summary>
    public Task<string?> StatusElsewhereAsync(DbSession db, string tenantId, string userId, string nodeId) => db.QuerySingleOrDefaultAsync<string?>(
        "SELECT status FROM presence WHERE tenant_id = @tenantId AND user_id = @userId AND node_id <> @nodeId LIMIT 1",
        new { tenantId, userId, nodeId });

    public Task AddAsync(DbSession db, string tenantId, string userId, string nodeId, string status) => db.ExecuteAsync(
        """
        INSERT INTO presence (tenant_id, user_id, node_id, status) VALUES (@tenantId, @userId, @nodeId, @status)
        ON CONFLICT (tenant_id, user_id, node_id) DO UPDATE SET status = excluded.status
        """, new { tenantId, userId, nodeId, status });

    /// <summary>Removes the user from this node; true when no node has it any more.</summary>
    public async Task<bool> RemoveAsync(DbSession db, string tenantId, string userId, string nodeId)
    {
        await db.ExecuteAsync("DELETE FROM presence WHERE tenant_id = @tenantId AND user_id = @userId AND node_id = @nodeId", new { tenantId, userId, nodeId });
        return await db.ScalarAsync<long>("SELECT COUNT(*) FROM presence WHERE tenant_id = @tenantId AND user_id = @userId", new { tenantId, userId }) == 0;
    }

    public Task SetStatusAsync(DbSession db, string tenantId, string userId, string status) => db.ExecuteAsync(
        "UPDATE presence SET status = @status WHERE tenant_id = @tenantId AND user_id = @userId", new { tenantId, userId, status });

    /// <summary>Every user online on a node whose lease has not run out.</summary>
    public Task<IReadOnlyList<PresenceRow>> OnlineAsync(DbSession db, long now) => db.QueryAsync<PresenceRow>(
        """
        SELECT DISTINCT p.tenant_id, p.user_id, p.status FROM presence p JOIN nodes n ON n.id = p.node_id
        WHERE n.expires_at > @now
        """, new { now });

    public Task RenewLeaseAsync(DbSession db, string nodeId, long expiresAt) => db.ExecuteAsync(
        "INSERT INTO nodes (id, expires_at) VALUES (@nodeId, @expiresAt) ON CONFLICT (id) DO UPDATE SET expires_at = excluded.expires_at",
        new { nodeId, expiresAt });

    /// <summary>
    /// Forgets the nodes whose lease ran out before <paramref name="now"/> (all but this one where the store has
    /// no other nodes), and their users; returns the users that are now online nowhere, with their last status.
    /// </summary>
    public async Task<IReadOnlyList<PresenceRow>> RemoveDeadNodesAsync(DbSession db, string selfId, long now, bool everyOther)
    {
        await db.ExecuteAsync("DELETE FROM nodes WHERE id <> @selfId AND (@everyOther OR expires_at <= @now)", new { selfId, now, everyOther });
        var orphans = await db.QueryAsync<PresenceRow>(
            """
            DELETE FROM presence WHERE node_id <> @selfId AND node_id NOT IN (SELECT id FROM nodes)
            RETURNING tenant_id, user_id, status
            """, new { selfId });
        var gone = new List<PresenceRow>();
        foreach (var row in orphans.DistinctBy(r => (r.TenantId, r.UserId)))
        {
            if (await db.ScalarAsync<long>("SELECT COUNT(*) FROM presence WHERE tenant_id = @TenantId AND user_id = @UserId", row) == 0) gone.Add(row);
        }
        return gone;
    }
}
