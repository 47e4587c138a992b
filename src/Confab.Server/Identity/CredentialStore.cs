using Confab.Server.Hosting;
using Confab.Server.Storage;

namespace Confab.Server.Identity;

/// <summary>A valid session token's user, and when the session ends.</summary>
public sealed record AuthenticatedSession(UserCaller Caller, long ExpiresAt);

/// <summary>The SQL that turns a presented secret into a caller.</summary>
public sealed class CredentialStore(Database database, TimeProvider clock)
{
    public Task<string?> FindTenantByApiKeyAsync(string apiKey) =>
        database.ReadStatementAsync(db => db.QuerySingleOrDefaultAsync<string?>(
            "SELECT tenant_id FROM api_keys WHERE key_hash = @hash", new { hash = Secrets.Hash(apiKey) }));

    public async Task<AuthenticatedSession?> FindSessionAsync(string token)
    {
        var row = await database.ReadStatementAsync(db => db.QuerySingleOrDefaultAsync<CallerRow>(
            """
            SELECT u.tenant_id, u.id AS user_id, u.role, s.expires_at
            FROM sessions s JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
            WHERE s.token_hash = @hash AND s.expires_at > @now AND u.deleted_at IS NULL AND (u.banned_until IS NULL OR u.banned_until <= @now)
            """,
            new { hash = Secrets.Hash(token), now = Time.Now(clock) }));
        return row is null ? null : new AuthenticatedSession(row.ToCaller(), row.ExpiresAt);
    }

    public async Task<UserCaller?> FindUserAsync(string tenantId, string userId)
    {
        var row = await database.ReadStatementAsync(db => db.QuerySingleOrDefaultAsync<CallerRow>(
            """
            SELECT tenant_id, id AS user_id, role FROM users
            WHERE tenant_id = @tenantId AND id = @userId AND deleted_at IS NULL AND (banned_until IS NULL OR banned_until <= @now)
            """,
            new { tenantId, userId, now = Time.Now(clock) }));
        return row?.ToCaller();
    }

    private sealed class CallerRow
    {
        public string TenantId { get; init; } = "";
        public string UserId { get; init; } = "";
        public string Role { get; init; } = "";
        public long ExpiresAt { get; init; }

        public UserCaller ToCaller() => new(TenantId, UserId, Role == "admin");
    }
}
