using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Users;

/// <summary>The tenant backend's user API: PUT upsert, validation, usernames, roles, listing and reading.</summary>
public sealed class ServerUsersApiTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Put_creates_a_user_with_201_and_a_second_put_replaces_it_with_200()
    {
        var tenant = await server.NewTenantAsync();
        var backend = tenant.Backend;

        var created = await backend.PutJsonAsync("/server/v1/users/alice", new
        {
            name = "Alice Liddell",
            username = "alice.l",
            email = "alice@example.com",
            avatarUrl = "https://cdn.example.com/alice.png",
            role = "admin",
            metadata = new { team = "red", level = 3 },
        }).ExpectJson(201);
        Assert.Equal("alice", created.Str("id"));
        Assert.Equal("Alice Liddell", created.Str("name"));
        Assert.Equal("alice.l", created.Str("username"));
        Assert.Equal("alice@example.com", created.Str("email"));
        Assert.Equal("https://cdn.example.com/alice.png", created.Str("avatarUrl"));
        Assert.Equal("admin", created.Str("role"));
        Assert.Equal("red", created.GetProperty("metadata").Str("team"));
        Assert.Equal(3, created.GetProperty("metadata").GetProperty("level").GetInt32());

        // PUT replaces: what the second body leaves out is gone, the role falls back to "user".
        var replaced = await backend.PutJsonAsync("/server/v1/users/alice", new { name = "Alice B" }).ExpectJson(200);
        Assert.Equal("alice", replaced.Str("id"));
        Assert.Equal("Alice B", replaced.Str("name"));
        Assert.Equal("user", replaced.Str("role"));
        foreach (var gone in new[] { "username", "email", "avatarUrl", "metadata" })
            Assert.False(HasValue(replaced, gone), $"{gone} should have been cleared by the replacing PUT");

        var read = await backend.GetAsync("/server/v1/users/alice").ExpectJson(200);
        Assert.Equal("Alice B", read.Str("name"));
        Assert.Equal("user", read.Str("role"));
        Assert.False(HasValue(read, "username"));
        Assert.False(HasValue(read, "metadata"));

        var listed = (await backend.GetAsync("/server/v1/users").ExpectJson(200)).Items();
        Assert.Equal("alice", Assert.Single(listed).Str("id"));
    }

    [Fact]
    public async Task Replacing_a_user_keeps_its_sessions_and_conversations()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");

        await tenant.Backend.PutJsonAsync("/server/v1/users/alice", new { name = "Alice Renamed" }).ExpectJson(200);

        Assert.Equal("Alice Renamed", (await alice.GetAsync("/v1/me").ExpectJson(200)).Str("name"));
        var detail = await bob.GetAsync($"/v1/conversations/{group}").ExpectJson(200);
        Assert.Contains(detail.GetProperty("members").EnumerateArray(), m => m.GetProperty("user").Str("name") == "Alice Renamed");
    }

    public static TheoryData<string> BadUserIds => new()
    {
        "has space",
        new string('a', 129),
        "émile",
        "semi;colon",
        "pipe|id",
        "plus+sign",
        "hash#tag",
        "percent%",
        "quote\"d",
        "star*",
        "a/b",
        "tab\tid",
    };

    [Theory]
    [MemberData(nameof(BadUserIds))]
    public async Task Put_refuses_a_user_id_outside_the_allowed_alphabet_or_length(string userId)
    {
        var tenant = await server.NewTenantAsync();
        await tenant.Backend.PutJsonAsync($"/server/v1/users/{Uri.EscapeDataString(userId)}", new { name = "X" }).ExpectProblem(400);
        Assert.Empty((await tenant.Backend.GetAsync("/server/v1/users").ExpectJson(200)).Items());
    }

    public static TheoryData<string> GoodUserIds => new()
    {
        "a",
        "Z",
        "0",
        "user_1.name@example.com",
        "auth0:12345",
        "A-Z_a-z.0-9@:",
        new string('x', 128),
    };

    [Theory]
    [MemberData(nameof(GoodUserIds))]
    public async Task Put_accepts_every_user_id_of_the_allowed_alphabet_up_to_128_characters(string userId)
    {
        var tenant = await server.NewTenantAsync();
        var created = await tenant.Backend.PutJsonAsync($"/server/v1/users/{Uri.EscapeDataString(userId)}", new { name = "X" }).ExpectJson(201);
        Assert.Equal(userId, created.Str("id"));
        var read = await tenant.Backend.GetAsync($"/server/v1/users/{Uri.EscapeDataString(userId)}").ExpectJson(200);
        Assert.Equal(userId, read.Str("id"));
    }

    [Fact]
    public async Task Usernames_are_unique_within_a_tenant_ignoring_case()
    {
        var tenant = await server.NewTenantAsync();
        var backend = tenant.Backend;
        await backend.PutJsonAsync("/server/v1/users/alice", new { name = "Alice", username = "Ally" }).ExpectJson(201);

        await backend.PutJsonAsync("/server/v1/users/bob", new { name = "Bob", username = "ally" }).ExpectProblem(409, "USERNAME_TAKEN");
        await backend.PutJsonAsync("/server/v1/users/bob", new { name = "Bob", username = "ALLY" }).ExpectProblem(409, "USERNAME_TAKEN");
        await backend.GetAsync("/server/v1/users/bob").ExpectProblem(404, "USER_NOT_FOUND");

        // The owner may keep or re-case its own username.
        Assert.Equal("ALLY", (await backend.PutJsonAsync("/server/v1/users/alice", new { name = "Alice", username = "ALLY" }).ExpectJson(200)).Str("username"));

        await backend.PutJsonAsync("/server/v1/users/bob", new { name = "Bob", username = "ally2" }).ExpectJson(201);
        var bob = server.WithSession((await backend.PostJsonAsync("/server/v1/sessions", new { userId = "bob" }).ExpectJson(201)).Str("token"));
        await bob.PatchJsonAsync("/v1/users/bob", new { username = "aLLy" }).ExpectProblem(409, "USERNAME_TAKEN");
        Assert.Equal("ally2", (await backend.GetAsync("/server/v1/users/bob").ExpectJson(200)).Str("username"));

        // Another tenant is another namespace.
        var other = await server.NewTenantAsync();
        await other.Backend.PutJsonAsync("/server/v1/users/carol", new { name = "Carol", username = "ally" }).ExpectJson(201);
    }

    [Fact]
    public async Task A_deleted_users_username_can_be_taken_again()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.Backend.PutJsonAsync("/server/v1/users/alice", new { name = "Alice", username = "ally" }).ExpectJson(201);
        await tenant.Backend.DeleteAsync("/server/v1/users/alice?messages=keep").Expect(204);
        await tenant.Backend.PutJsonAsync("/server/v1/users/bob", new { name = "Bob", username = "ally" }).ExpectJson(201);
    }

    [Theory]
    [InlineData("user")]
    [InlineData("admin")]
    public async Task Role_is_user_or_admin(string role)
    {
        var tenant = await server.NewTenantAsync();
        Assert.Equal(role, (await tenant.Backend.PutJsonAsync("/server/v1/users/u1", new { name = "U", role }).ExpectJson(201)).Str("role"));
        Assert.Equal(role, (await tenant.Backend.GetAsync("/server/v1/users/u1").ExpectJson(200)).Str("role"));
    }

    [Fact]
    public async Task Role_defaults_to_user()
    {
        var tenant = await server.NewTenantAsync();
        Assert.Equal("user", (await tenant.Backend.PutJsonAsync("/server/v1/users/u1", new { name = "U" }).ExpectJson(201)).Str("role"));
    }

    [Theory]
    [InlineData("owner")]
    [InlineData("superuser")]
    [InlineData("Admin")]
    [InlineData("")]
    public async Task Any_other_role_is_refused(string role)
    {
        var tenant = await server.NewTenantAsync();
        await tenant.Backend.PutJsonAsync("/server/v1/users/u1", new { name = "U", role }).ExpectProblem(400);
        await tenant.Backend.GetAsync("/server/v1/users/u1").ExpectProblem(404);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"name\":null}")]
    [InlineData("{\"name\":\"\"}")]
    [InlineData("{\"name\":\"   \"}")]
    public async Task A_user_needs_a_name(string body)
    {
        var tenant = await server.NewTenantAsync();
        await tenant.Backend.SendRawAsync(HttpMethod.Put, "/server/v1/users/u1", body).ExpectProblem(400);
        await tenant.Backend.GetAsync("/server/v1/users/u1").ExpectProblem(404);
    }

    [Fact]
    public async Task List_with_q_matches_id_name_or_username_ignoring_case()
    {
        var tenant = await server.NewTenantAsync();
        var backend = tenant.Backend;
        await backend.PutJsonAsync("/server/v1/users/ava", new { name = "Someone" }).ExpectJson(201);
        await backend.PutJsonAsync("/server/v1/users/u2", new { name = "Ava Stone" }).ExpectJson(201);
        await backend.PutJsonAsync("/server/v1/users/u3", new { name = "Bob", username = "avalanche" }).ExpectJson(201);
        await backend.PutJsonAsync("/server/v1/users/x-AVA-9", new { name = "Xavier" }).ExpectJson(201);
        await backend.PutJsonAsync("/server/v1/users/u5", new { name = "Xavier Cleo" }).ExpectJson(201);
        await backend.PutJsonAsync("/server/v1/users/under_score", new { name = "Percent 100%" }).ExpectJson(201);

        Assert.Equal(["ava", "u2", "u3", "x-AVA-9"], Ids(await backend.GetAsync("/server/v1/users?q=ava").ExpectJson(200)));
        Assert.Equal(["ava", "u2", "u3", "x-AVA-9"], Ids(await backend.GetAsync("/server/v1/users?q=AvA").ExpectJson(200)));
        Assert.Equal(["u5"], Ids(await backend.GetAsync("/server/v1/users?q=cleo").ExpectJson(200)));
        Assert.Empty(Ids(await backend.GetAsync("/server/v1/users?q=nobody-matches").ExpectJson(200)));

        // LIKE wildcards are literal.
        Assert.Equal(["under_score"], Ids(await backend.GetAsync("/server/v1/users?q=_").ExpectJson(200)));
        Assert.Equal(["under_score"], Ids(await backend.GetAsync("/server/v1/users?q=%25").ExpectJson(200)));

        Assert.Equal(6, Ids(await backend.GetAsync("/server/v1/users").ExpectJson(200)).Count);
    }

    [Fact]
    public async Task Search_finds_a_user_by_the_exact_spelling_of_a_non_ascii_name()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.UpsertUserAsync("omer", "Ömer Çelik");
        await tenant.UpsertUserAsync("zoe", "Zoë Ærø");
        var alice = await tenant.SessionAsync("alice");

        foreach (var client in new[] { tenant.Backend, alice })
        {
            var prefix = client == alice ? "/v1/users" : "/server/v1/users";
            Assert.Equal(["omer"], Ids(await client.GetAsync($"{prefix}?q={Uri.EscapeDataString("Ömer")}").ExpectJson(200)));
            Assert.Equal(["omer"], Ids(await client.GetAsync($"{prefix}?q={Uri.EscapeDataString("Çelik")}").ExpectJson(200)));
            Assert.Equal(["zoe"], Ids(await client.GetAsync($"{prefix}?q={Uri.EscapeDataString("Ærø")}").ExpectJson(200)));
            // Case-insensitively too, as for ASCII names.
            Assert.Equal(["omer"], Ids(await client.GetAsync($"{prefix}?q={Uri.EscapeDataString("ömer")}").ExpectJson(200)));
        }
    }

    [Fact]
    public async Task Put_on_the_id_of_a_deleted_user_creates_the_user_anew_with_201()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.UpsertUserAsync("alice", "Alice");
        await tenant.Backend.DeleteAsync("/server/v1/users/alice").Expect(204);
        await tenant.Backend.GetAsync("/server/v1/users/alice").ExpectProblem(404);

        // The resource had no current representation, so a PUT that makes one creates it (RFC 9110 section 9.3.4).
        var created = await tenant.Backend.PutJsonAsync("/server/v1/users/alice", new { name = "Alice Again" }).ExpectJson(201);
        Assert.Equal("Alice Again", created.Str("name"));
        Assert.Equal("Alice Again", (await tenant.Backend.GetAsync("/server/v1/users/alice").ExpectJson(200)).Str("name"));
    }

    [Fact]
    public async Task Paging_through_users_returns_every_user_exactly_once()
    {
        var tenant = await server.NewTenantAsync();
        var expected = Enumerable.Range(0, 23).Select(i => $"user{i:D2}").ToList();
        foreach (var id in expected.AsEnumerable().Reverse())
            await tenant.Backend.PutJsonAsync($"/server/v1/users/{id}", new { name = id.ToUpperInvariant() }).ExpectJson(201);

        var seen = await PageAllAsync(tenant.Backend, "/server/v1/users?limit=5", pageSize: 5);
        Assert.Equal(expected.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
        Assert.Equal(seen.Count, seen.Distinct(StringComparer.Ordinal).Count());

        var matching = await PageAllAsync(tenant.Backend, "/server/v1/users?q=user1&limit=3", pageSize: 3);
        Assert.Equal(expected.Where(id => id.StartsWith("user1", StringComparison.Ordinal)), matching.Order(StringComparer.Ordinal));

        var client = await tenant.SessionAsync("user00");
        var clientSeen = await PageAllAsync(client, "/v1/users?limit=4", pageSize: 4);
        Assert.Equal(expected.Order(StringComparer.Ordinal), clientSeen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_page_of_exactly_the_remaining_users_has_no_next_cursor_after_it()
    {
        var tenant = await server.NewTenantAsync();
        foreach (var id in new[] { "a1", "a2", "a3", "a4" })
            await tenant.UpsertUserAsync(id);
        var first = await tenant.Backend.GetAsync("/server/v1/users?limit=2").ExpectJson(200);
        Assert.Equal(2, first.Items().Length);
        var second = await tenant.Backend.GetAsync($"/server/v1/users?limit=2&cursor={Uri.EscapeDataString(first.NextCursor()!)}").ExpectJson(200);
        Assert.Equal(2, second.Items().Length);
        if (second.NextCursor() is { } cursor)
            Assert.Empty((await tenant.Backend.GetAsync($"/server/v1/users?limit=2&cursor={Uri.EscapeDataString(cursor)}").ExpectJson(200)).Items());
        var all = await tenant.Backend.GetAsync("/server/v1/users?limit=4").ExpectJson(200);
        Assert.Equal(4, all.Items().Length);
    }

    [Fact]
    public async Task Get_reads_a_user_with_its_private_fields_and_404s_for_an_unknown_one()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.Backend.PutJsonAsync("/server/v1/users/alice", new { name = "Alice", email = "alice@example.com" }).ExpectJson(201);
        var alice = await tenant.Backend.GetAsync("/server/v1/users/alice").ExpectJson(200);
        Assert.Equal("Alice", alice.Str("name"));
        Assert.Equal("alice@example.com", alice.Str("email"));

        await tenant.Backend.GetAsync("/server/v1/users/nobody").ExpectProblem(404, "USER_NOT_FOUND");
        await tenant.Backend.GetAsync("/server/v1/users/ALICE").ExpectProblem(404, "USER_NOT_FOUND");
    }

    [Fact]
    public async Task User_timestamps_are_iso_8601_utc_with_milliseconds()
    {
        var tenant = await server.NewTenantAsync();
        var created = await tenant.Backend.PutJsonAsync("/server/v1/users/alice", new { name = "Alice" }).ExpectJson(201);
        foreach (var field in new[] { "createdAt", "updatedAt" })
        {
            if (created.StrOrNull(field) is { } value)
                Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", value);
        }
    }

    private static bool HasValue(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null;

    private static List<string> Ids(JsonElement page) => page.Items().Select(u => u.Str("id")).Order(StringComparer.Ordinal).ToList();

    private static async Task<List<string>> PageAllAsync(HttpClient client, string firstUrl, int pageSize)
    {
        var seen = new List<string>();
        var url = firstUrl;
        for (var pages = 0; pages < 100; pages++)
        {
            var page = await client.GetAsync(url).ExpectJson(200);
            var items = page.Items();
            Assert.True(items.Length <= pageSize, $"A page of limit {pageSize} held {items.Length} items");
            seen.AddRange(items.Select(u => u.Str("id")));
            if (page.NextCursor() is not { } cursor) return seen;
            Assert.NotEmpty(items);
            url = $"{firstUrl}&cursor={Uri.EscapeDataString(cursor)}";
        }
        throw new InvalidOperationException("The list never ended.");
    }
}
