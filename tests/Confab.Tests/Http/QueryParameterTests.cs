using Confab.Tests.Infrastructure;

namespace Confab.Tests.Http;

/// <summary>Bad query values (limit, booleans, enums, cursors from another list, delete modes) are 400 problems that change nothing.</summary>
public sealed class QueryParameterTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    public static TheoryData<string, string, string> BadQueries => new()
    {
        // caller, method, url
        { "alice", "GET", "/v1/conversations?limit=abc" },
        { "alice", "GET", "/v1/conversations?limit=0" },
        { "alice", "GET", "/v1/conversations?limit=-1" },
        { "alice", "GET", "/v1/conversations?limit=201" },
        { "alice", "GET", "/v1/conversations?limit=1.5" },
        { "alice", "GET", "/v1/conversations?limit=99999999999" },
        { "alice", "GET", "/v1/conversations?archived=maybe" },
        { "alice", "GET", "/v1/conversations?pinned=2" },
        { "alice", "GET", "/v1/conversations?muted=yes" },
        { "alice", "GET", "/v1/conversations?hasUnread=nope" },
        { "alice", "GET", "/v1/conversations?type=supergroup" },
        { "alice", "GET", "/v1/conversations?role=king" },
        { "alice", "GET", "/v1/conversations?cursor=!!!not-a-cursor!!!" },
        { "alice", "GET", "/v1/conversations?cursor=$usersCursor" },
        { "alice", "GET", "/v1/conversations?q=$q201" },
        { "alice", "GET", "/v1/users?limit=abc" },
        { "alice", "GET", "/v1/users?limit=0" },
        { "alice", "GET", "/v1/users?cursor=!!!" },
        { "alice", "GET", "/v1/users?cursor=$conversationsCursor" },
        { "alice", "GET", "/v1/users?q=$q201" },
        { "alice", "GET", "/v1/conversations/$group/messages?limit=abc" },
        { "alice", "GET", "/v1/conversations/$group/messages?limit=0" },
        { "alice", "GET", "/v1/conversations/$group/messages?limit=500" },
        { "alice", "GET", "/v1/conversations/$group/messages?cursor=garbage" },
        { "alice", "GET", "/v1/conversations/$group/messages?cursor=$conversationsCursor" },
        { "alice", "GET", "/v1/conversations/$group/messages?cursor=$membersCursor" },
        { "alice", "GET", "/v1/conversations/$group/members?limit=0" },
        { "alice", "GET", "/v1/conversations/$group/members?cursor=$usersCursor" },
        { "alice", "GET", "/v1/conversations/$group/members?cursor=$targetMembersCursor" },
        { "alice", "GET", "/v1/conversations/$target/messages?cursor=$messagesCursor" },
        { "backend", "GET", "/server/v1/users?limit=abc" },
        { "backend", "GET", "/server/v1/users?limit=0" },
        { "backend", "GET", "/server/v1/users?limit=201" },
        { "backend", "GET", "/server/v1/users?cursor=%%%" },
        { "backend", "GET", "/server/v1/users?cursor=$tenantsCursor" },
        { "backend", "GET", "/server/v1/users?q=$q201" },
        { "admin", "GET", "/admin/v1/tenants?limit=abc" },
        { "admin", "GET", "/admin/v1/tenants?limit=0" },
        { "admin", "GET", "/admin/v1/tenants?cursor=$usersCursor" },
        { "backend", "DELETE", "/server/v1/users/bob?messages=purge" },
        { "backend", "DELETE", "/server/v1/users/bob?messages=ANONYMIZE" },
        { "alice", "DELETE", "/v1/conversations/$group/messages/$m1?scope=everyone" },
        { "alice", "DELETE", "/v1/conversations/$group/messages/$m1?scope=ME" },
    };

    [Theory]
    [MemberData(nameof(BadQueries))]
    public async Task A_bad_query_value_is_a_400_problem_and_changes_nothing(string caller, string method, string url)
    {
        var world = await BadInputWorld.CreateAsync(server);
        var cursors = await CursorsAsync(world);
        var before = await world.SnapshotAsync();

        var filled = world.Fill(url);
        foreach (var (name, value) in cursors)
            filled = filled.Replace(name, value, StringComparison.Ordinal);
        var client = caller switch
        {
            "admin" => server.AsAdmin(),
            "backend" => world.Tenant.Backend,
            _ => world.Alice,
        };

        await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), filled)).ExpectProblem(400);
        BadInputWorld.AssertUnchanged(before, await world.SnapshotAsync());
    }

    [Fact]
    public async Task The_limits_at_the_bounds_are_accepted()
    {
        var world = await BadInputWorld.CreateAsync(server);
        Assert.Single((await world.Alice.GetAsync("/v1/conversations?limit=1").ExpectJson(200)).Items());
        Assert.Equal(2, (await world.Alice.GetAsync("/v1/conversations?limit=200").ExpectJson(200)).Items().Length);
        Assert.Equal(2, (await world.Alice.GetAsync("/v1/conversations?archived=false&pinned=false").ExpectJson(200)).Items().Length);
        Assert.Empty((await world.Alice.GetAsync("/v1/conversations?archived=true").ExpectJson(200)).Items());
        Assert.Equal(2, (await world.Alice.GetAsync("/v1/conversations?type=group").ExpectJson(200)).Items().Length);
        Assert.Equal(4, (await world.Tenant.Backend.GetAsync("/server/v1/users?limit=200").ExpectJson(200)).Items().Length);
    }

    /// <summary>A real next-page cursor from each list, to hand to the wrong list.</summary>
    private async Task<Dictionary<string, string>> CursorsAsync(BadInputWorld world)
    {
        async Task<string> CursorOf(HttpClient client, string url)
        {
            var page = await client.GetAsync(url).ExpectJson(200);
            return Uri.EscapeDataString(page.NextCursor() ?? throw new InvalidOperationException($"{url} has no second page"));
        }

        await server.NewTenantAsync("Second tenant for a tenants cursor");
        return new Dictionary<string, string>
        {
            ["$usersCursor"] = await CursorOf(world.Tenant.Backend, "/server/v1/users?limit=1"),
            ["$conversationsCursor"] = await CursorOf(world.Alice, "/v1/conversations?limit=1"),
            ["$messagesCursor"] = await CursorOf(world.Alice, $"/v1/conversations/{world.Group}/messages?limit=1"),
            ["$membersCursor"] = await CursorOf(world.Alice, $"/v1/conversations/{world.Group}/members?limit=1"),
            ["$targetMembersCursor"] = await CursorOf(world.Alice, $"/v1/conversations/{world.Target}/members?limit=1"),
            ["$tenantsCursor"] = await CursorOf(server.AsAdmin(), "/admin/v1/tenants?limit=1"),
            ["$q201"] = new string('q', 201),
        };
    }
}
