using Confab.Client;
using Confab.Contracts;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Client;

public sealed class AdminClientTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    private ConfabAdminClient Admin => new(server.CreateClient(), ConfabServer.AdminKey);

    [Fact]
    public async Task A_tenant_is_created_read_listed_renamed_and_deleted()
    {
        var created = await Admin.CreateTenantAsync("Acme");
        Assert.StartsWith("ck_", created.ApiKey);
        Assert.Equal("Acme", (await Admin.GetTenantAsync(created.Id)).Name);

        var seen = new List<Tenant>();
        string? cursor = null;
        do
        {
            var page = await Admin.ListTenantsAsync(cursor, limit: 1);
            Assert.True(page.Items.Count <= 1);
            seen.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        Assert.Contains(seen, t => t.Id == created.Id);

        Assert.Equal("Acme 2", (await Admin.RenameTenantAsync(created.Id, "Acme 2")).Name);
        await Admin.DeleteTenantAsync(created.Id);
        var gone = await Assert.ThrowsAsync<ConfabApiException>(() => Admin.GetTenantAsync(created.Id));
        Assert.Equal((404, "TENANT_NOT_FOUND"), (gone.Status, gone.Code));
    }

    [Fact]
    public async Task An_api_key_works_until_it_is_revoked()
    {
        var tenant = await Admin.CreateTenantAsync("Keys");
        var key = await Admin.CreateApiKeyAsync(tenant.Id);
        var backend = new ConfabServerClient(server.CreateClient(), key.ApiKey);
        Assert.Equal(7, (await backend.GetSettingsAsync()).EventRetentionDays);

        await Admin.RevokeApiKeyAsync(tenant.Id, key.Id);
        var refused = await Assert.ThrowsAsync<ConfabApiException>(() => backend.GetSettingsAsync());
        Assert.Equal((401, "UNAUTHORIZED"), (refused.Status, refused.Code));
        Assert.False(string.IsNullOrWhiteSpace(refused.Message));
    }

    [Fact]
    public async Task A_wrong_admin_key_is_refused()
    {
        var refused = await Assert.ThrowsAsync<ConfabApiException>(() =>
            new ConfabAdminClient(server.CreateClient(), "not-the-admin-key-at-all").ListTenantsAsync());
        Assert.Equal((401, "UNAUTHORIZED"), (refused.Status, refused.Code));
    }
}
