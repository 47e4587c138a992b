using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Users;

/// <summary>The end user's view: /v1/me, /v1/users search and read, PATCH of one's own profile.</summary>
public sealed class ClientUsersApiTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Me_returns_the_calling_user_with_its_private_fields()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.Backend.PutJsonAsync("/server/v1/users/alice", new { name = "Alice", username = "ally", email = "alice@example.com", role = "admin" }).ExpectJson(201);
        var alice = await SessionAsync(tenant, "alice");

        var me = await alice.GetAsync("/v1/me").ExpectJson(200);
        Assert.Equal("alice", me.Str("id"));
        Assert.Equal("Alice", me.Str("name"));
        Assert.Equal("ally", me.Str("username"));
        Assert.Equal("alice@example.com", me.Str("email"));
        Assert.Equal("admin", me.Str("role"));
    }

    [Fact]
    public async Task Reading_another_user_shows_the_public_profile_without_email()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.Backend.PutJsonAsync("/server/v1/users/bob", new { name = "Bob", username = "bobby", email = "bob@example.com", metadata = new { k = "v" } }).ExpectJson(201);
        await tenant.Backend.PutJsonAsync("/server/v1/users/alice", new { name = "Alice", email = "alice@example.com" }).ExpectJson(201);
        var alice = await SessionAsync(tenant, "alice");

        var bob = await alice.GetAsync("/v1/users/bob").ExpectJson(200);
        Assert.Equal("bob", bob.Str("id"));
        Assert.Equal("Bob", bob.Str("name"));
        Assert.Equal("bobby", bob.Str("username"));
        Assert.Equal("user", bob.Str("role"));
        Assert.False(HasValue(bob, "email"), "another user's e-mail must not be shown");

        Assert.Equal("alice@example.com", (await alice.GetAsync("/v1/users/alice").ExpectJson(200)).Str("email"));
        await alice.GetAsync("/v1/users/nobody").ExpectProblem(404, "USER_NOT_FOUND");

        foreach (var listed in (await alice.GetAsync("/v1/users").ExpectJson(200)).Items().Where(u => u.Str("id") != "alice"))
            Assert.False(HasValue(listed, "email"), "the client user list must not show others' e-mail");
    }

    [Fact]
    public async Task User_search_matches_id_name_and_username_and_honours_limit()
    {
        var tenant = await server.NewTenantAsync();
        var me = await tenant.SessionAsync("me");
        await tenant.UpsertUserAsync("ava", "Someone");
        await tenant.UpsertUserAsync("u2", "Ava Stone");
        await tenant.Backend.PutJsonAsync("/server/v1/users/u3", new { name = "Bob", username = "avalanche" }).ExpectJson(201);
        await tenant.UpsertUserAsync("u4", "Cleo");

        var found = await me.GetAsync("/v1/users?q=ava&limit=10").ExpectJson(200);
        Assert.Equal(["ava", "u2", "u3"], found.Items().Select(u => u.Str("id")).Order(StringComparer.Ordinal));

        var limited = await me.GetAsync("/v1/users?q=ava&limit=2").ExpectJson(200);
        Assert.Equal(2, limited.Items().Length);
        Assert.NotNull(limited.NextCursor());
        var rest = await me.GetAsync($"/v1/users?q=ava&limit=2&cursor={Uri.EscapeDataString(limited.NextCursor()!)}").ExpectJson(200);
        Assert.Equal(["ava", "u2", "u3"], limited.Items().Concat(rest.Items()).Select(u => u.Str("id")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_user_updates_their_own_profile()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");

        var updated = await alice.PatchJsonAsync("/v1/users/alice", new
        {
            name = "Alice L.",
            username = "alice_l",
            avatarUrl = "https://cdn.example.com/a.png",
            statusText = "On holiday",
        }).ExpectJson(200);
        Assert.Equal("Alice L.", updated.Str("name"));
        Assert.Equal("alice_l", updated.Str("username"));
        Assert.Equal("https://cdn.example.com/a.png", updated.Str("avatarUrl"));
        Assert.Equal("On holiday", updated.Str("statusText"));

        var read = await tenant.Backend.GetAsync("/server/v1/users/alice").ExpectJson(200);
        Assert.Equal("Alice L.", read.Str("name"));
        Assert.Equal("alice_l", read.Str("username"));
        Assert.Equal("On holiday", read.Str("statusText"));
        Assert.Equal("Alice L.", (await alice.GetAsync("/v1/me").ExpectJson(200)).Str("name"));
    }

    [Fact]
    public async Task A_patch_changes_only_the_fields_it_sends_and_null_clears_an_optional_field()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await alice.PatchJsonAsync("/v1/users/alice", new { name = "Alice", username = "ally", statusText = "Busy" }).ExpectJson(200);

        var onlyStatus = await alice.PatchJsonAsync("/v1/users/alice", new { statusText = "Free" }).ExpectJson(200);
        Assert.Equal("Alice", onlyStatus.Str("name"));
        Assert.Equal("ally", onlyStatus.Str("username"));
        Assert.Equal("Free", onlyStatus.Str("statusText"));

        var cleared = await alice.SendRawAsync(HttpMethod.Patch, "/v1/users/alice", "{\"statusText\":null}").ExpectJson(200);
        Assert.False(HasValue(cleared, "statusText"));
        Assert.Equal("ally", cleared.Str("username"));
        Assert.False(HasValue(await alice.GetAsync("/v1/me").ExpectJson(200), "statusText"));
    }

    [Fact]
    public async Task A_user_cannot_change_another_users_profile()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob", "Bob");
        var position = await server.LastPositionAsync(tenant.Id);

        await alice.PatchJsonAsync("/v1/users/bob", new { name = "Hacked" }).ExpectProblem(403);
        await alice.PatchJsonAsync("/v1/users/bob", new { statusText = "pwned" }).ExpectProblem(403);

        var bob = await tenant.Backend.GetAsync("/server/v1/users/bob").ExpectJson(200);
        Assert.Equal("Bob", bob.Str("name"));
        Assert.False(HasValue(bob, "statusText"));
        Assert.Equal(position, await server.LastPositionAsync(tenant.Id));
    }

    [Fact]
    public async Task A_user_cannot_make_themself_a_tenant_admin_through_patch()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob", "Bob");

        var response = await alice.PatchJsonAsync("/v1/users/alice", new { role = "admin" });
        Assert.True((int)response.StatusCode is 200 or 400, $"PATCH with role gave {(int)response.StatusCode}");

        Assert.Equal("user", (await tenant.Backend.GetAsync("/server/v1/users/alice").ExpectJson(200)).Str("role"));
        await alice.PatchJsonAsync("/v1/users/bob", new { name = "Hacked" }).ExpectProblem(403);
        Assert.Equal("Bob", (await tenant.Backend.GetAsync("/server/v1/users/bob").ExpectJson(200)).Str("name"));
    }

    [Fact]
    public async Task A_tenant_admin_may_change_another_users_profile()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.Backend.PutJsonAsync("/server/v1/users/boss", new { name = "Boss", role = "admin" }).ExpectJson(201);
        var boss = await SessionAsync(tenant, "boss");
        await tenant.UpsertUserAsync("bob", "Bob");

        var changed = await boss.PatchJsonAsync("/v1/users/bob", new { name = "Robert", statusText = "Renamed by admin" }).ExpectJson(200);
        Assert.Equal("Robert", changed.Str("name"));
        Assert.Equal("Robert", (await tenant.Backend.GetAsync("/server/v1/users/bob").ExpectJson(200)).Str("name"));
        Assert.Equal("user", (await tenant.Backend.GetAsync("/server/v1/users/bob").ExpectJson(200)).Str("role"));

        await boss.PatchJsonAsync("/v1/users/nobody", new { name = "Ghost" }).ExpectProblem(404, "USER_NOT_FOUND");

        // The same holds when the backend acts as the admin.
        var actingBoss = server.ActingAs(tenant.ApiKey, "boss");
        Assert.Equal("Bobby", (await actingBoss.PatchJsonAsync("/v1/users/bob", new { name = "Bobby" }).ExpectJson(200)).Str("name"));
    }

    [Fact]
    public async Task A_tenant_admins_powers_end_when_the_backend_demotes_them()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.Backend.PutJsonAsync("/server/v1/users/boss", new { name = "Boss", role = "admin" }).ExpectJson(201);
        var boss = await SessionAsync(tenant, "boss");
        await tenant.UpsertUserAsync("bob", "Bob");
        await boss.PatchJsonAsync("/v1/users/bob", new { name = "Robert" }).ExpectJson(200);

        await tenant.Backend.PutJsonAsync("/server/v1/users/boss", new { name = "Boss", role = "user" }).ExpectJson(200);
        await boss.PatchJsonAsync("/v1/users/bob", new { name = "Again" }).ExpectProblem(403);
        Assert.Equal("Robert", (await tenant.Backend.GetAsync("/server/v1/users/bob").ExpectJson(200)).Str("name"));
    }

    [Theory]
    [InlineData("{\"name\":null}")]
    [InlineData("{\"name\":\"   \"}")]
    [InlineData("{\"username\":\"has space\"}")]
    [InlineData("{\"avatarUrl\":\"ftp://example.com/a.png\"}")]
    [InlineData("{\"avatarUrl\":\"not a url\"}")]
    [InlineData("{\"name\":\"Valid\",\"username\":\"bad name!\"}")]
    public async Task An_invalid_profile_patch_is_400_and_changes_nothing(string body)
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var before = (await tenant.Backend.GetAsync("/server/v1/users/alice").ExpectJson(200)).GetRawText();

        await alice.SendRawAsync(HttpMethod.Patch, "/v1/users/alice", body).ExpectProblem(400);

        Assert.Equal(before, (await tenant.Backend.GetAsync("/server/v1/users/alice").ExpectJson(200)).GetRawText());
    }

    private async Task<HttpClient> SessionAsync(TestTenant tenant, string userId)
    {
        var session = await tenant.Backend.PostJsonAsync("/server/v1/sessions", new { userId }).ExpectJson(201);
        return server.WithSession(session.Str("token"));
    }

    private static bool HasValue(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null;
}
