using Confab.Contracts;
using Confab.Server.Attachments;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Identity;
using Confab.Server.Messages;
using Confab.Server.Storage;

namespace Confab.Server.Tenants;

/// <summary>Tenants, their API keys and their settings: what the platform operator and a tenant's backend manage.</summary>
public sealed class TenantService(Database database, TenantStore store, SearchStore search, SessionRevocations revocations, IBlobStore blobs, TimeProvider clock)
{
    public Task<CreatedTenant> CreateAsync(string name, string? id = null) => database.WriteAsync(async db =>
    {
        var now = Time.Now(clock);
        var tenant = new TenantRow { Id = id ?? Ids.New(clock), Name = name, Settings = TenantStore.Serialize(new TenantSettings()), CreatedAt = now };
        await store.InsertAsync(db, tenant);
        var key = await IssueKeyAsync(db, tenant.Id, now);
        return new CreatedTenant(tenant.Id, tenant.Name, Time.FromMillis(now), key.ApiKey);
    });

    public async Task<Page<Tenant>> ListAsync(string? cursor, int limit)
    {
        var afterId = cursor is null ? null : Cursor.Decode("tenants", cursor, 1)[0];
        var rows = await database.ReadAsync(db => store.ListAsync(db, afterId, limit + 1));
        return Paging.From(rows, limit, Shape, row => Cursor.Encode("tenants", row.Id));
    }

    public async Task<bool> ExistsAsync(string id) => await database.ReadAsync(db => store.FindAsync(db, id)) is not null;

    public async Task<Tenant> GetAsync(string id) =>
        Shape(await database.ReadAsync(db => store.FindAsync(db, id)) ?? throw NotFound());

    public Task<Tenant> RenameAsync(string id, string name) => database.WriteAsync(async db =>
    {
        if (await store.RenameAsync(db, id, name) == 0) throw NotFound();
        return Shape((await store.FindAsync(db, id))!);
    });

    public async Task DeleteAsync(string id)
    {
        await database.WriteAsync(async db =>
        {
            await store.DeleteDataAsync(db, id);
            if (!await store.DeleteAsync(db, id)) throw NotFound();
            // Where writes run side by side (PostgreSQL), one that took an event position (or held the tenant's row,
            // HoldAsync) before that row was deleted held it until it committed, perhaps after the first sweep, which
            // could not see its rows: a second one does, and a write that had not taken its position yet finds no
            // tenant then and rolls back.
            // A write that locked a row of the second sweep and then waits for the tenant's row deadlocks with it, which
            // PostgreSQL breaks after a second and GroupCommit retries: rare (rows made during the deletion), and safe.
            // The search index is emptied only then, when no write can add to it any more: its text rows are found
            // through their keys, and a key committed between the two statements would leave its text behind.
            await search.RemoveTenantAsync(db, id);
            await store.DeleteDataAsync(db, id);
        });
        revocations.Publish(id, null);
        await blobs.DeleteTenantAsync(id);
    }

    public Task<CreatedApiKey> CreateApiKeyAsync(string tenantId) => database.WriteAsync(async db =>
    {
        var created = await IssueKeyAsync(db, tenantId, Time.Now(clock));
        await HoldAsync(db, tenantId);
        return created;
    });

    /// <summary>
    /// For a write that adds rows of the tenant and appends no event, nor locks a row that a tenant deletion deletes
    /// before the tenant's (its user, its conversation): holds the tenant's row against deletion until commit, or
    /// fails the write if the tenant is gone. Called after the write's other statements, as an event append takes the
    /// row last. A tenant deletion (the tenant's rows, then the tenant's row, then its rows again) then waits for this
    /// write and deletes its rows in its second sweep, or deletes the tenant first and this write rolls back. Held
    /// first, it could wait for a row of the first sweep while the deletion waits for it; a write that still does
    /// (one that touches a row made during the deletion) deadlocks with it, and the retry resolves that as above.
    /// </summary>
    public async Task HoldAsync(WriteSession db, string tenantId)
    {
        if (!await store.HoldAsync(db, tenantId)) throw NotFound();
    }

    public Task RevokeApiKeyAsync(string tenantId, string keyId) => database.WriteAsync(async db =>
    {
        _ = await store.FindAsync(db, tenantId) ?? throw NotFound();
        if (await store.DeleteApiKeyAsync(db, tenantId, keyId) == 0)
            throw ApiException.NotFound(ErrorCodes.ApiKeyNotFound, "This tenant has no such API key.");
    });

    public Task<TenantSettings> GetSettingsAsync(string tenantId) => database.ReadAsync(db => SettingsAsync(db, tenantId));

    /// <summary>
    /// The settings for checks on every request (rate limits), kept in memory; a change through this node
    /// drops its copy at once, and copies are re-read after <see cref="CachedSettingsLifetime"/> at most.
    /// </summary>
    public async Task<TenantSettings> CachedSettingsAsync(string tenantId)
    {
        var now = clock.GetUtcNow();
        if (cachedSettings.TryGetValue(tenantId, out var cached) && now - cached.At < CachedSettingsLifetime) return cached.Settings;
        var settings = await GetSettingsAsync(tenantId);
        cachedSettings[tenantId] = (settings, now);
        return settings;
    }

    public static readonly TimeSpan CachedSettingsLifetime = TimeSpan.FromSeconds(5);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (TenantSettings Settings, DateTimeOffset At)> cachedSettings = new(StringComparer.Ordinal);

    /// <summary>The settings the rules of one request use, read in that request's own session.</summary>
    public async Task<TenantSettings> SettingsAsync(DbSession db, string tenantId) =>
        await store.FindSettingsAsync(db, tenantId) ?? throw NotFound();

    public async Task<TenantSettings> UpdateSettingsAsync(string tenantId, SettingsPatch patch)
    {
        var settings = await database.WriteAsync(async db =>
        {
            var changed = (await store.FindSettingsForUpdateAsync(db, tenantId) ?? throw NotFound()).Apply(patch);
            await store.SaveSettingsAsync(db, tenantId, changed);
            return changed;
        });
        // After the commit: dropped before it, a read in between could cache the old settings again.
        cachedSettings.TryRemove(tenantId, out _);
        return settings;
    }

    private async Task<CreatedApiKey> IssueKeyAsync(WriteSession db, string tenantId, long now)
    {
        var id = Ids.New(clock);
        var key = Secrets.New("ck_");
        await store.InsertApiKeyAsync(db, tenantId, id, Secrets.Hash(key), now);
        return new CreatedApiKey(id, key);
    }

    private static Tenant Shape(TenantRow row) => new(row.Id, row.Name, Time.FromMillis(row.CreatedAt));

    public static ApiException NotFound() => ApiException.NotFound(ErrorCodes.TenantNotFound, "No such tenant.");
}
