using Confab.Tests.Infrastructure;

namespace Confab.Tests.Http;

/// <summary>Unknown routes are 404 problems and known routes with the wrong method are 405 problems (with Allow).</summary>
public sealed class RoutingProblemTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    public static TheoryData<string, string, string> UnknownRoutes => new()
    {
        // caller, method, url
        { "none", "GET", "/nope" },
        { "none", "GET", "/v2/me" },
        { "none", "POST", "/api/v1/conversations" },
        { "alice", "GET", "/v1/nope" },
        { "alice", "GET", "/v1/conversations/$group/nope" },
        { "alice", "POST", "/v1/conversations/$group/messages/$m1/nope" },
        { "alice", "GET", "/v1/me/nope/deeper" },
        { "backend", "GET", "/server/v1/nope" },
        { "backend", "POST", "/server/v1/users/alice/nope" },
        { "admin", "GET", "/admin/v1/nope" },
        { "admin", "GET", "/admin/v1/tenants/$tenant/nope" },
    };

    [Theory]
    [MemberData(nameof(UnknownRoutes))]
    public async Task An_unknown_route_is_a_404_problem(string caller, string method, string url)
    {
        var world = await BadInputWorld.CreateAsync(server);
        var request = new HttpRequestMessage(new HttpMethod(method), world.Fill(url));
        if (method != "GET") request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");

        await Client(world, caller).SendAsync(request).ExpectProblem(404, "NOT_FOUND");
    }

    public static TheoryData<string, string, string, string> WrongMethods => new()
    {
        // caller, method, url, a method the route does allow
        { "alice", "DELETE", "/v1/me", "GET" },
        { "alice", "POST", "/v1/me", "GET" },
        { "alice", "PUT", "/v1/conversations", "POST" },
        { "alice", "DELETE", "/v1/unread", "GET" },
        { "alice", "POST", "/v1/conversations/$group/read-state", "GET" },
        { "alice", "PUT", "/v1/conversations/$group/messages/$m1", "PATCH" },
        { "alice", "GET", "/v1/conversations/$group/read", "POST" },
        { "backend", "POST", "/server/v1/users", "GET" },
        { "backend", "POST", "/server/v1/users/alice", "PUT" },
        { "backend", "GET", "/server/v1/sessions", "POST" },
        { "backend", "DELETE", "/server/v1/settings", "PATCH" },
        { "backend", "PUT", "/server/v1/settings", "GET" },
        { "admin", "PUT", "/admin/v1/tenants", "POST" },
        { "admin", "PUT", "/admin/v1/tenants/$tenant", "PATCH" },
        { "none", "POST", "/healthz", "GET" },
        { "none", "DELETE", "/readyz", "GET" },
    };

    [Theory]
    [MemberData(nameof(WrongMethods))]
    public async Task A_known_route_with_the_wrong_method_is_a_405_problem_naming_the_allowed_methods(string caller, string method, string url, string allowed)
    {
        var world = await BadInputWorld.CreateAsync(server);
        var position = await server.LastPositionAsync(world.Tenant.Id);
        var request = new HttpRequestMessage(new HttpMethod(method), world.Fill(url));
        if (method is "POST" or "PUT" or "PATCH") request.Content = new StringContent("{\"name\":\"x\"}", System.Text.Encoding.UTF8, "application/json");

        var response = await Client(world, caller).SendAsync(request);
        var allow = string.Join(",", response.Content.Headers.Allow);
        await Task.FromResult(response).ExpectProblem(405, "METHOD_NOT_ALLOWED");
        Assert.Contains(allowed, allow.Split(',', StringSplitOptions.TrimEntries));
        Assert.DoesNotContain(method, allow.Split(',', StringSplitOptions.TrimEntries));
        Assert.Equal(position, await server.LastPositionAsync(world.Tenant.Id));
    }

    [Fact]
    public async Task An_unknown_route_under_v1_without_credentials_is_refused_with_a_problem()
    {
        var response = await server.Anonymous().GetAsync("/v1/nope");
        Assert.True((int)response.StatusCode is 401 or 404, $"got {(int)response.StatusCode}");
        await Task.FromResult(response).ExpectProblem((int)response.StatusCode);
    }

    private HttpClient Client(BadInputWorld world, string caller) => caller switch
    {
        "alice" => world.Alice,
        "backend" => world.Tenant.Backend,
        "admin" => server.AsAdmin(),
        _ => server.Anonymous(),
    };
}
