using Confab.Server.Storage;

namespace Confab.Server.Identity;

/// <summary>The SQL of session tokens (stored as hashes).</summary>
public sealed class SessionStore
{
    public Task InsertAsync(DbSession db, string tenantId, string id, string userId, string tokenHash, long createdAt, long expiresAt) => db.ExecuteAsync(
        """
        INSERT INTO sessions (tenant_id, id, user_id, token_hash, created_at, expires_at)
        VALUES (@tenantId, @id, @userId, @tokenHash, @createdAt, @expiresAt)
        """, new { tenantId, id, userId, tokenHash, createdAt, expiresAt });

    public Task<int> DeleteAllAsync(DbSession db, string tenantId, string userId) =>
        db.ExecuteAsync("DELETE FROM sessions WHERE tenant_id = @tenantId AND user_id = @userId", new { tenantId, userId });
}
