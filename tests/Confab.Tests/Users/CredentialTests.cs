using Confab.Tests.Infrastructure;

namespace Confab.Tests.Users;

/// <summary>Which credential opens which API (spec section 2), and what happens without one.</summary>
public sealed class CredentialTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task The_api_key_with_X_User_Id_acts_as_that_user()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.UpsertUserAsync("alice", "Alice");
        await tenant.UpsertUserAsync("bob", "Bob");
        var asBob = server.ActingAs(tenant.ApiKey, "bob");

        Assert.Equal("bob", (await asBob.GetAsync("/v1/me").ExpectJson(200)).Str("id"));

        var group = await asBob.PostJsonAsync("/v1/conversations", new { type = "group", participantIds = new List<string> { "alice" }, title = "By backend" }).ExpectJson(201);
        Assert.Equal("bob", group.Str("ownerId"));
        Assert.Equal("owner", group.Str("myRole"));
        var sent = await asBob.PostJsonAsync($"/v1/conversations/{group.Str("id")}/messages", new { text = "hello" }).ExpectJson(201);
        Assert.Equal("bob", sent.GetProperty("sender").Str("id"));

        // Alice, through her own session, sees Bob's conversation and message.
        var alice = server.WithSession((await tenant.Backend.PostJsonAsync("/server/v1/sessions", new { userId = "alice" }).ExpectJson(201)).Str("token"));
        var messages = await alice.GetAsync($"/v1/conversations/{group.Str("id")}/messages").ExpectJson(200);
        Assert.Equal("hello", Assert.Single(messages.Items()).Str("text"));
    }

    [Fact]
    public async Task X_User_Id_naming_no_user_of_the_tenant_is_401()
    {
        var tenant = await server.NewTenantAsync();
        await server.ActingAs(tenant.ApiKey, "nobody").GetAsync("/v1/me").ExpectProblem(401, "UNAUTHORIZED");
        await server.ActingAs(tenant.ApiKey, "bad id!").GetAsync("/v1/me").ExpectProblem(401);
        await server.ActingAs(tenant.ApiKey, "nobody").PostJsonAsync("/v1/conversations", new { type = "group" }).ExpectProblem(401);
    }

    [Fact]
    public async Task The_api_key_without_X_User_Id_is_401_on_client_routes()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.UpsertUserAsync("alice");
        await tenant.Backend.GetAsync("/v1/me").ExpectProblem(401);
        await tenant.Backend.GetAsync("/v1/conversations").ExpectProblem(401);
    }

    [Fact]
    public async Task A_wrong_api_key_with_X_User_Id_is_401()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.UpsertUserAsync("alice");
        await server.ActingAs("ck_not-a-real-key", "alice").GetAsync("/v1/me").ExpectProblem(401);
        await server.ActingAs(tenant.ApiKey + "x", "alice").GetAsync("/v1/me").ExpectProblem(401);
    }

    public static TheoryData<string> ProtectedRoutes => new()
    {
        "/v1/me",
        "/v1/users",
        "/v1/users/alice",
        "/v1/conversations",
        "/v1/unread",
        "/server/v1/users",
        "/server/v1/users/alice",
        "/server/v1/settings",
        "/admin/v1/tenants",
    };

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task Missing_credentials_are_401(string url)
    {
        var tenant = await server.NewTenantAsync();
        await tenant.UpsertUserAsync("alice");
        await server.Anonymous().GetAsync(url).ExpectProblem(401, "UNAUTHORIZED");
    }

    [Fact]
    public async Task A_write_without_credentials_is_401_and_changes_nothing()
    {
        var tenant = await server.NewTenantAsync();
        var position = await server.LastPositionAsync(tenant.Id);
        await server.Anonymous().PutJsonAsync("/server/v1/users/mallory", new { name = "Mallory" }).ExpectProblem(401);
        await server.Anonymous().PostJsonAsync("/server/v1/sessions", new { userId = "mallory" }).ExpectProblem(401);
        await server.Anonymous().PostJsonAsync("/v1/conversations", new { type = "group" }).ExpectProblem(401);
        await tenant.Backend.GetAsync("/server/v1/users/mallory").ExpectProblem(404);
        Assert.Equal(position, await server.LastPositionAsync(tenant.Id));
    }

    [Theory]
    [InlineData("Bearer cs_not-a-real-token")]
    [InlineData("Bearer ")]
    [InlineData("Bearer")]
    [InlineData("Basic YWxpY2U6c2VjcmV0")]
    [InlineData("cs_token-without-scheme")]
    public async Task A_bad_authorization_header_is_401(string authorization)
    {
        var tenant = await server.NewTenantAsync();
        await tenant.SessionAsync("alice");
        var client = server.Anonymous();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        await client.GetAsync("/v1/me").ExpectProblem(401);
    }

    [Fact]
    public async Task An_api_key_presented_as_a_bearer_token_is_401()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.UpsertUserAsync("alice");
        await server.WithSession(tenant.ApiKey).GetAsync("/v1/me").ExpectProblem(401);
    }

    [Fact]
    public async Task A_session_token_does_not_open_the_server_or_admin_api()
    {
        var tenant = await server.NewTenantAsync();
        var session = await tenant.Backend.PostJsonAsync("/server/v1/sessions", new { userId = (await tenant.UpsertUserAsync("alice")).Str("id") }).ExpectJson(201);
        var token = session.Str("token");

        await server.WithSession(token).GetAsync("/server/v1/users").ExpectProblem(401);
        await server.WithSession(token).GetAsync("/admin/v1/tenants").ExpectProblem(401);
        await server.WithApiKey(token).GetAsync("/server/v1/users").ExpectProblem(401);
        var asAdmin = server.Anonymous();
        asAdmin.DefaultRequestHeaders.Add("X-Admin-Key", token);
        await asAdmin.GetAsync("/admin/v1/tenants").ExpectProblem(401);
    }

    [Fact]
    public async Task An_api_key_does_not_open_the_admin_api_and_the_admin_key_does_not_open_tenant_apis()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.UpsertUserAsync("alice");
        await tenant.Backend.GetAsync("/admin/v1/tenants").ExpectProblem(401);
        await tenant.Backend.PostJsonAsync("/admin/v1/tenants", new { name = "Sneaky" }).ExpectProblem(401);

        await server.AsAdmin().GetAsync("/server/v1/users").ExpectProblem(401);
        await server.AsAdmin().GetAsync("/v1/me").ExpectProblem(401);
        await server.WithApiKey(ConfabServer.AdminKey).GetAsync("/server/v1/users").ExpectProblem(401);
    }

    [Fact]
    public async Task A_revoked_api_key_no_longer_acts_as_a_user()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.UpsertUserAsync("alice");
        var key = await server.AsAdmin().PostJsonAsync($"/admin/v1/tenants/{tenant.Id}/api-keys", null).ExpectJson(201);
        var acting = server.ActingAs(key.Str("apiKey"), "alice");
        await acting.GetAsync("/v1/me").Expect(200);

        await server.AsAdmin().DeleteAsync($"/admin/v1/tenants/{tenant.Id}/api-keys/{key.Str("id")}").Expect(204);
        await acting.GetAsync("/v1/me").ExpectProblem(401);
    }

    [Fact]
    public async Task Sessions_end_when_their_tenant_is_deleted()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await alice.GetAsync("/v1/me").Expect(200);
        await server.AsAdmin().DeleteAsync($"/admin/v1/tenants/{tenant.Id}").Expect(204);
        await alice.GetAsync("/v1/me").ExpectProblem(401);
        await server.ActingAs(tenant.ApiKey, "alice").GetAsync("/v1/me").ExpectProblem(401);
    }
}
