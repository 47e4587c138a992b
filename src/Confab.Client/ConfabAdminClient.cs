namespace Confab.Client;

/// <summary>The platform operator's API (<c>/admin/v1</c>) with the admin key: tenants and their API keys.</summary>
public sealed class ConfabAdminClient
{
    private readonly ConfabHttp http;

    /// <param name="http">A client whose <c>BaseAddress</c> is the Confab server's root URL; it may be shared.</param>
    /// <param name="adminKey">The operator's admin key (configuration <c>Confab:AdminKey</c>).</param>
    public ConfabAdminClient(HttpClient http, string adminKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(adminKey);
        this.http = new ConfabHttp(http, headers => headers.Add("X-Admin-Key", adminKey));
    }

    /// <summary>Creates a tenant; its first API key is in the answer and shown only there.</summary>
    public Task<CreatedTenant> CreateTenantAsync(string name, CancellationToken cancel = default) =>
        http.SendAsync<CreatedTenant>(HttpMethod.Post, "admin/v1/tenants", ConfabHttp.Json(new TenantNameBody(name)), cancel);

    public Task<Page<Tenant>> ListTenantsAsync(string? cursor = null, int? limit = null, CancellationToken cancel = default) =>
        http.GetAsync<Page<Tenant>>($"admin/v1/tenants{new QueryString().Add("cursor", cursor).Add("limit", limit)}", cancel);

    public Task<Tenant> GetTenantAsync(string tenantId, CancellationToken cancel = default) => http.GetAsync<Tenant>(TenantPath(tenantId), cancel);

    public Task<Tenant> RenameTenantAsync(string tenantId, string name, CancellationToken cancel = default) =>
        http.SendAsync<Tenant>(HttpMethod.Patch, TenantPath(tenantId), ConfabHttp.Json(new TenantNameBody(name)), cancel);

    /// <summary>Deletes the tenant with all its data; its keys, sessions and sockets stop working.</summary>
    public Task DeleteTenantAsync(string tenantId, CancellationToken cancel = default) =>
        http.SendAsync(HttpMethod.Delete, TenantPath(tenantId), null, cancel);

    /// <summary>Issues another API key for the tenant; shown only in the answer.</summary>
    public Task<CreatedApiKey> CreateApiKeyAsync(string tenantId, CancellationToken cancel = default) =>
        http.SendAsync<CreatedApiKey>(HttpMethod.Post, TenantPath(tenantId) + "/api-keys", null, cancel);

    public Task RevokeApiKeyAsync(string tenantId, string keyId, CancellationToken cancel = default) =>
        http.SendAsync(HttpMethod.Delete, $"{TenantPath(tenantId)}/api-keys/{ConfabHttp.Segment(keyId)}", null, cancel);

    private static string TenantPath(string tenantId) => $"admin/v1/tenants/{ConfabHttp.Segment(tenantId)}";
}
