using Confab.Tests.Infrastructure;

namespace Confab.Tests.Tenants;

/// <summary>The operator's tenant list and tenant reads (spec section 3) beyond the basics in <see cref="AdminApiTests"/>.</summary>
public sealed class AdminTenantListTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Paging_through_tenants_returns_every_tenant_exactly_once()
    {
        var created = new List<string>();
        for (var i = 0; i < 8; i++)
            created.Add((await server.NewTenantAsync($"Paged {i}")).Id);

        var seen = new List<string>();
        var url = "/admin/v1/tenants?limit=3";
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await server.AsAdmin().GetAsync(url).ExpectJson(200);
            Assert.True(page.Items().Length <= 3);
            seen.AddRange(page.Items().Select(t => t.Str("id")));
            if (page.NextCursor() is not { } cursor) break;
            url = $"/admin/v1/tenants?limit=3&cursor={Uri.EscapeDataString(cursor)}";
        }

        Assert.Equal(seen.Count, seen.Distinct(StringComparer.Ordinal).Count());
        Assert.All(created, id => Assert.Contains(id, seen));
    }

    [Fact]
    public async Task A_tenant_read_shows_no_api_key_and_an_unknown_tenant_is_404()
    {
        var tenant = await server.NewTenantAsync("Visible");
        var read = await server.AsAdmin().GetAsync($"/admin/v1/tenants/{tenant.Id}").ExpectJson(200);
        Assert.Equal("Visible", read.Str("name"));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", read.Str("createdAt"));
        Assert.False(read.TryGetProperty("apiKey", out _), "the API key is shown once, at creation");
        Assert.DoesNotContain(tenant.ApiKey, (await server.AsAdmin().GetAsync("/admin/v1/tenants?limit=200").ExpectJson(200)).GetRawText(), StringComparison.Ordinal);

        await server.AsAdmin().GetAsync("/admin/v1/tenants/01ARZ3NDEKTSV4RRFFQ69G5FAV").ExpectProblem(404, "TENANT_NOT_FOUND");
        await server.AsAdmin().PatchJsonAsync("/admin/v1/tenants/01ARZ3NDEKTSV4RRFFQ69G5FAV", new { name = "x" }).ExpectProblem(404, "TENANT_NOT_FOUND");
        await server.AsAdmin().DeleteAsync("/admin/v1/tenants/01ARZ3NDEKTSV4RRFFQ69G5FAV").ExpectProblem(404, "TENANT_NOT_FOUND");
        await server.AsAdmin().PostJsonAsync("/admin/v1/tenants/01ARZ3NDEKTSV4RRFFQ69G5FAV/api-keys", null).ExpectProblem(404, "TENANT_NOT_FOUND");
    }

    [Fact]
    public async Task Api_keys_are_prefixed_ck_and_distinct()
    {
        var tenant = await server.NewTenantAsync();
        var second = await server.AsAdmin().PostJsonAsync($"/admin/v1/tenants/{tenant.Id}/api-keys", null).ExpectJson(201);
        Assert.StartsWith("ck_", tenant.ApiKey, StringComparison.Ordinal);
        Assert.StartsWith("ck_", second.Str("apiKey"), StringComparison.Ordinal);
        Assert.NotEqual(tenant.ApiKey, second.Str("apiKey"));
        Assert.False(string.IsNullOrEmpty(second.Str("id")));
    }
}
