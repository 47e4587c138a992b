using System.Collections.Concurrent;
using System.Text.Json;
using Confab.Contracts;
using Confab.Server.Http;
using Confab.Server.Storage;

namespace Confab.Server.Tenants;

public sealed class TenantRow
{
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public string Settings { get; init; } = "";
    public long CreatedAt { get; init; }
}

/// <summary>The SQL of tenants, their API keys and settings.</summary>
public sealed class TenantStore
{
    /// <summary>Every table holding tenant data; deleting a tenant empties each of them for it (the search index is the search store's).</summary>
    private static readonly string[] TenantTables =
        ["api_keys", "users", "sessions", "conversations", "members", "conversation_bans", "messages",
         "hidden_messages", "receipt_moves", "events", "membership_periods", "reactions", "pins", "stars", "reports", "presence",
         "attachments", "message_attachments", "blobs", "avatars"];

    public Task InsertAsync(DbSession db, TenantRow tenant) => db.ExecuteAsync(
        "INSERT INTO tenants (id, name, settings, created_at) VALUES (@Id, @Name, @Settings, @CreatedAt)", tenant);

    public Task<TenantRow?> FindAsync(DbSession db, string id) =>
        db.QuerySingleOrDefaultAsync<TenantRow>("SELECT id, name, settings, created_at FROM tenants WHERE id = @id", new { id });

    public Task<IReadOnlyList<TenantRow>> ListAsync(DbSession db, string? afterId, int limit) => db.QueryAsync<TenantRow>(
        "SELECT id, name, settings, created_at FROM tenants WHERE @afterId IS NULL OR id > @afterId ORDER BY id LIMIT @limit",
        new { afterId, limit });

    public Task<int> RenameAsync(DbSession db, string id, string name) =>
        db.ExecuteAsync("UPDATE tenants SET name = @name WHERE id = @id", new { id, name });

    /// <summary>Whether the tenant exists; its row is then held against deletion until the write commits.</summary>
    public async Task<bool> HoldAsync(WriteSession db, string tenantId) =>
        await db.QuerySingleOrDefaultAsync<string>($"SELECT id FROM tenants WHERE id = @tenantId {db.Dialect.LockedAgainstDeletion}", new { tenantId }) is not null;

    /// <summary>Deletes the tenant's rows of every table but its own and the search index's.</summary>
    public async Task DeleteDataAsync(DbSession db, string id)
    {
        foreach (var table in TenantTables)
            await db.ExecuteAsync($"DELETE FROM {table} WHERE tenant_id = @id", new { id });
    }

    /// <summary>Deletes the tenant's own row; false when there was none.</summary>
    public async Task<bool> DeleteAsync(DbSession db, string id) =>
        await db.ExecuteAsync("DELETE FROM tenants WHERE id = @id", new { id }) > 0;

    public Task InsertApiKeyAsync(DbSession db, string tenantId, string id, string keyHash, long now) => db.ExecuteAsync(
        "INSERT INTO api_keys (tenant_id, id, key_hash, created_at) VALUES (@tenantId, @id, @keyHash, @now)",
        new { tenantId, id, keyHash, now });

    public Task<int> DeleteApiKeyAsync(DbSession db, string tenantId, string id) =>
        db.ExecuteAsync("DELETE FROM api_keys WHERE tenant_id = @tenantId AND id = @id", new { tenantId, id });

    /// <summary>The tenant's settings, or null when the tenant does not exist.</summary>
    public Task<TenantSettings?> FindSettingsAsync(DbSession db, string tenantId) => ReadSettingsAsync(db, tenantId, "");

    /// <summary>The settings, locked until commit, for a change written back from them (two changes then apply one after the other).</summary>
    public Task<TenantSettings?> FindSettingsForUpdateAsync(WriteSession db, string tenantId) => ReadSettingsAsync(db, tenantId, db.Dialect.LockedForWrite);

    private async Task<TenantSettings?> ReadSettingsAsync(DbSession db, string tenantId, string locking) =>
        await db.QuerySingleOrDefaultAsync<string>($"SELECT settings FROM tenants WHERE id = @tenantId {locking}", new { tenantId }) is { } json
            ? Parse(json)
            : null;

    public Task SaveSettingsAsync(DbSession db, string tenantId, TenantSettings settings) => db.ExecuteAsync(
        "UPDATE tenants SET settings = @json WHERE id = @tenantId", new { tenantId, json = Serialize(settings) });

    public static string Serialize(TenantSettings settings) => JsonSerializer.Serialize(settings, JsonDefaults.Options);

    /// <summary>
    /// Each stored settings text, parsed once. Requests read the settings row in their own session, so their rules and
    /// their write see the same settings (unlike <c>TenantService.CachedSettingsAsync</c>, which may be seconds old);
    /// only the parsing, done on every send, is saved here. Settings are immutable, so one copy serves every reader.
    /// Texts no longer stored are forgotten wholesale past a bound.
    /// </summary>
    private TenantSettings Parse(string json)
    {
        if (parsed.TryGetValue(json, out var known)) return known;
        if (parsed.Count >= MaxParsed) parsed.Clear();
        return parsed[json] = JsonSerializer.Deserialize<TenantSettings>(json, JsonDefaults.Options) ?? new TenantSettings();
    }

    private const int MaxParsed = 1024;

    private readonly ConcurrentDictionary<string, TenantSettings> parsed = new(StringComparer.Ordinal);
}
