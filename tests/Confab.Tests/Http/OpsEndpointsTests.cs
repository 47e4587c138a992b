using System.Text.Json;
using System.Text.RegularExpressions;
using Confab.Tests.Infrastructure;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Confab.Tests.Http;

/// <summary>Health, readiness, the OpenAPI description and the docs page (spec section 10).</summary>
public sealed partial class OpsEndpointsTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Healthz_answers_200_without_credentials()
    {
        var response = await server.Anonymous().GetAsync("/healthz");
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Readyz_answers_200_once_the_database_is_migrated()
    {
        var response = await server.Anonymous().GetAsync("/readyz");
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task The_openapi_description_is_valid_json_of_openapi_3()
    {
        var document = await OpenApiAsync();
        Assert.StartsWith("3.", document.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(document.GetProperty("info").GetProperty("title").GetString()));
        Assert.Equal(JsonValueKind.Object, document.GetProperty("paths").ValueKind);
    }

    public static TheoryData<string, string> SpecRoutes => new()
    {
        { "POST", "/admin/v1/tenants" },
        { "GET", "/admin/v1/tenants" },
        { "GET", "/admin/v1/tenants/{tenantId}" },
        { "PATCH", "/admin/v1/tenants/{tenantId}" },
        { "DELETE", "/admin/v1/tenants/{tenantId}" },
        { "POST", "/admin/v1/tenants/{tenantId}/api-keys" },
        { "DELETE", "/admin/v1/tenants/{tenantId}/api-keys/{keyId}" },
        { "PUT", "/server/v1/users/{userId}" },
        { "GET", "/server/v1/users" },
        { "GET", "/server/v1/users/{userId}" },
        { "DELETE", "/server/v1/users/{userId}" },
        { "POST", "/server/v1/sessions" },
        { "DELETE", "/server/v1/users/{userId}/sessions" },
        { "GET", "/server/v1/settings" },
        { "PATCH", "/server/v1/settings" },
        { "POST", "/server/v1/conversations/{conversationId}/messages" },
        { "GET", "/v1/me" },
        { "GET", "/v1/users" },
        { "GET", "/v1/users/{userId}" },
        { "PATCH", "/v1/users/{userId}" },
        { "GET", "/v1/conversations" },
        { "POST", "/v1/conversations" },
        { "GET", "/v1/conversations/{id}" },
        { "PATCH", "/v1/conversations/{id}" },
        { "DELETE", "/v1/conversations/{id}" },
        { "PATCH", "/v1/conversations/{id}/avatar" },
        { "POST", "/v1/conversations/{id}/members" },
        { "PATCH", "/v1/conversations/{id}/members/{userId}" },
        { "DELETE", "/v1/conversations/{id}/members/{userId}" },
        { "GET", "/v1/conversations/{id}/messages" },
        { "POST", "/v1/conversations/{id}/messages" },
        { "PATCH", "/v1/conversations/{id}/messages/{messageId}" },
        { "DELETE", "/v1/conversations/{id}/messages/{messageId}" },
        { "POST", "/v1/conversations/{id}/messages/{messageId}/forward" },
        { "POST", "/v1/conversations/{id}/delivered" },
        { "POST", "/v1/conversations/{id}/read" },
        { "GET", "/v1/conversations/{id}/read-state" },
        { "GET", "/v1/unread" },
        { "GET", "/healthz" },
        { "GET", "/readyz" },
    };

    [Theory]
    [MemberData(nameof(SpecRoutes))]
    public async Task The_openapi_description_lists_this_route_of_the_spec(string method, string path)
    {
        var routes = Routes(await OpenApiAsync());
        Assert.Contains((method, Normalize(path)), routes);
    }

    [Fact]
    public async Task The_openapi_description_lists_every_route_the_server_maps()
    {
        var documented = Routes(await OpenApiAsync());
        var mapped = server.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<IExcludeFromDescriptionMetadata>() is not { ExcludeFromDescription: true })
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>() is not null)
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m => (m, Normalize("/" + e.RoutePattern.RawText!.TrimStart('/')))))
            .Distinct()
            .ToList();
        Assert.NotEmpty(mapped);
        var missing = mapped.Where(r => !documented.Contains(r)).Select(r => $"{r.Item1} {r.Item2}").ToList();
        Assert.True(missing.Count == 0, "Mapped but not documented: " + string.Join("; ", missing));
    }

    [Fact]
    public async Task The_openapi_description_declares_the_three_credentials()
    {
        var schemes = (await OpenApiAsync()).GetProperty("components").GetProperty("securitySchemes");
        var all = schemes.EnumerateObject().Select(p => p.Value).ToList();
        Assert.Contains(all, s => s.StrOrNull("type") == "apiKey" && s.StrOrNull("in") == "header" && s.StrOrNull("name") == "X-Admin-Key");
        Assert.Contains(all, s => s.StrOrNull("type") == "apiKey" && s.StrOrNull("in") == "header" && s.StrOrNull("name") == "X-API-Key");
        Assert.Contains(all, s => s.StrOrNull("type") == "http" && string.Equals(s.StrOrNull("scheme"), "bearer", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Docs_serve_an_html_page_that_loads_the_openapi_description()
    {
        var response = await server.Anonymous().GetAsync("/docs");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<html", html, StringComparison.OrdinalIgnoreCase);

        var index = await server.Anonymous().GetAsync("/docs/index.html");
        Assert.Equal(200, (int)index.StatusCode);
        var config = await server.Anonymous().GetAsync("/docs/index.js");
        var configText = config.IsSuccessStatusCode ? await config.Content.ReadAsStringAsync() : "";
        Assert.True(html.Contains("/openapi/v1.json", StringComparison.Ordinal) || configText.Contains("/openapi/v1.json", StringComparison.Ordinal),
            "the docs page should point at /openapi/v1.json");
    }

    private async Task<JsonElement> OpenApiAsync()
    {
        var response = await server.Anonymous().GetAsync("/openapi/v1.json");
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"/openapi/v1.json gave {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static HashSet<(string Method, string Path)> Routes(JsonElement document)
    {
        var routes = new HashSet<(string, string)>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
                routes.Add((operation.Name.ToUpperInvariant(), Normalize(path.Name)));
        }
        return routes;
    }

    /// <summary>Path parameters are compared by position, not name ({id} in the spec, {conversationId} in the server).</summary>
    private static string Normalize(string path) => Parameter().Replace(path, "{}").TrimEnd('/');

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Parameter();
}
