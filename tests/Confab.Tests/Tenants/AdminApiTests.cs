using Confab.Tests.Infrastructure;

namespace Confab.Tests.Tenants;

public sealed class AdminApiTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Admin_creates_reads_renames_and_deletes_a_tenant()
    {
        var admin = server.AsAdmin();
        var created = await admin.PostJsonAsync("/admin/v1/tenants", new { name = "Acme" }).ExpectJson(201);
        var id = created.Str("id");
        Assert.StartsWith("ck_", created.Str("apiKey"));

        Assert.Equal("Acme", (await admin.GetAsync($"/admin/v1/tenants/{id}").ExpectJson(200)).Str("name"));
        Assert.Equal("Acme 2", (await admin.PatchJsonAsync($"/admin/v1/tenants/{id}", new { name = "Acme 2" }).ExpectJson(200)).Str("name"));
        Assert.Contains((await admin.GetAsync("/admin/v1/tenants?limit=200").ExpectJson(200)).Items(), t => t.Str("id") == id);

        await admin.DeleteAsync($"/admin/v1/tenants/{id}").Expect(204);
        await admin.GetAsync($"/admin/v1/tenants/{id}").ExpectProblem(404, "TENANT_NOT_FOUND");
        await server.WithApiKey(created.Str("apiKey")).GetAsync("/server/v1/users").ExpectProblem(401);
    }

    [Fact]
    public async Task Admin_routes_refuse_a_missing_or_wrong_key()
    {
        await server.Anonymous().GetAsync("/admin/v1/tenants").ExpectProblem(401, "UNAUTHORIZED");
        var wrong = server.Anonymous();
        wrong.DefaultRequestHeaders.Add("X-Admin-Key", "not-the-key");
        await wrong.PostJsonAsync("/admin/v1/tenants", new { name = "x" }).ExpectProblem(401);
    }

    [Fact]
    public async Task A_second_api_key_works_and_a_revoked_one_does_not()
    {
        var tenant = await server.NewTenantAsync();
        var key = await server.AsAdmin().PostJsonAsync($"/admin/v1/tenants/{tenant.Id}/api-keys", null).ExpectJson(201);
        var second = server.WithApiKey(key.Str("apiKey"));
        await second.GetAsync("/server/v1/users").Expect(200);

        await server.AsAdmin().DeleteAsync($"/admin/v1/tenants/{tenant.Id}/api-keys/{key.Str("id")}").Expect(204);
        await second.GetAsync("/server/v1/users").ExpectProblem(401);
        await tenant.Backend.GetAsync("/server/v1/users").Expect(200);
        await server.AsAdmin().DeleteAsync($"/admin/v1/tenants/{tenant.Id}/api-keys/{key.Str("id")}").ExpectProblem(404, "API_KEY_NOT_FOUND");
    }
}
