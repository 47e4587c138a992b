using Confab.Server.Hosting;
using Confab.Server.Storage;

namespace Confab.Server.Identity;

/// <summary>The SQL that turns a presented secret into a caller.</summary>
public sealed class CredentialStore(Database database, TimeProvider clock)
{
    public Task<string?> FindTenantByApiKeyAsync(string apiKey) =>
        database.ReadAsync(db => db.QuerySingleOrDefaultAsync<string?>(
            "SELECT tenant_id FROM api_keys WHERE key_hash = @hash", new { hash = Secrets.Hash(apiKey) }));

    public async Task<UserCaller?> FindSessionUserAsync(string token)
    {
        var row = await database.ReadAsync(db => db.QuerySingleOrDefaultAsync<CallerRow>(
            """
            SELECT u.tenant_id, u.id AS user_id, u.role
            FROM sessions s JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id
            WHERE s.token_hash = @hash AND s.expires_at > @now AND u.deleted_at IS NULL
            """,
            new { hash = Secrets.Hash(token), now = Time.Now(clock) }));
        return row?.ToCaller();
    }

    public async Task<UserCaller?> FindUserAsync(string tenantId, string userId)
    {
        var row = await database.ReadAsync(db => db.QuerySingleOrDefaultAsync<CallerRow>(
            "SELECT tenant_id, id AS user_id, role FROM users WHERE tenant_id = @tenantId AND id = @userId AND deleted_at IS NULL",
            new { tenantId, userId }));
        return row?.ToCaller();
    }

    private sealed class CallerRow
    {
        public string TenantId { get; init; } = "";
        public string UserId { get; init; } = "";
        public string Role { get; init; } = "";

        public UserCaller ToCaller() => new(TenantId, UserId, Role == "admin");
    }
}
