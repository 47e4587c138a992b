using System.Globalization;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Users;

/// <summary>POST /server/v1/sessions and DELETE /server/v1/users/{userId}/sessions; expiry through the test clock.</summary>
public sealed class SessionApiTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    private const long Day = 24 * 3600;
    private const long ThirtyDays = 30 * Day;

    [Fact]
    public async Task A_session_token_starts_with_cs_and_lasts_24_hours_by_default()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.UpsertUserAsync("alice", "Alice");

        var before = server.Clock.GetUtcNow();
        var session = await tenant.Backend.PostJsonAsync("/server/v1/sessions", new { userId = "alice" }).ExpectJson(201);
        var after = server.Clock.GetUtcNow();

        var token = session.Str("token");
        Assert.StartsWith("cs_", token, StringComparison.Ordinal);
        Assert.True(token.Length >= 24, "a session token should carry enough randomness");
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", session.Str("expiresAt"));
        AssertExpiry(session.Str("expiresAt"), before, after, Day);
        Assert.Equal("alice", session.GetProperty("user").Str("id"));
        Assert.Equal("Alice", session.GetProperty("user").Str("name"));

        Assert.Equal("alice", (await server.WithSession(token).GetAsync("/v1/me").ExpectJson(200)).Str("id"));
    }

    [Fact]
    public async Task Every_session_gets_a_different_token_and_all_of_them_work()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.UpsertUserAsync("alice");
        var tokens = new List<string>();
        for (var i = 0; i < 3; i++)
            tokens.Add((await tenant.Backend.PostJsonAsync("/server/v1/sessions", new { userId = "alice" }).ExpectJson(201)).Str("token"));
        Assert.Equal(3, tokens.Distinct(StringComparer.Ordinal).Count());
        foreach (var token in tokens)
            await server.WithSession(token).GetAsync("/v1/me").Expect(200);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(60)]
    [InlineData(Day)]
    [InlineData(ThirtyDays)]
    public async Task A_ttl_within_bounds_sets_the_expiry(long ttlSeconds)
    {
        var tenant = await server.NewTenantAsync();
        await tenant.UpsertUserAsync("alice");
        var before = server.Clock.GetUtcNow();
        var session = await tenant.Backend.PostJsonAsync("/server/v1/sessions", new { userId = "alice", ttlSeconds }).ExpectJson(201);
        AssertExpiry(session.Str("expiresAt"), before, server.Clock.GetUtcNow(), ttlSeconds);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("2592001")]
    [InlineData("31536000")]
    [InlineData("9223372036854775807")]
    [InlineData("\"3600\"")]
    [InlineData("1.5")]
    [InlineData("true")]
    [InlineData("1e40")]
    public async Task A_ttl_out_of_bounds_or_of_the_wrong_type_is_refused(string ttlJson)
    {
        var tenant = await server.NewTenantAsync();
        await tenant.UpsertUserAsync("alice");
        var position = await server.LastPositionAsync(tenant.Id);
        await tenant.Backend.SendRawAsync(HttpMethod.Post, "/server/v1/sessions", $"{{\"userId\":\"alice\",\"ttlSeconds\":{ttlJson}}}").ExpectProblem(400);
        Assert.Equal(position, await server.LastPositionAsync(tenant.Id));
    }

    [Fact]
    public async Task An_expired_session_is_refused_with_401()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.UpsertUserAsync("alice");
        var session = await tenant.Backend.PostJsonAsync("/server/v1/sessions", new { userId = "alice", ttlSeconds = 60 }).ExpectJson(201);
        var alice = server.WithSession(session.Str("token"));
        await alice.GetAsync("/v1/me").Expect(200);

        server.Clock.Advance(TimeSpan.FromSeconds(61));
        await alice.GetAsync("/v1/me").ExpectProblem(401, "UNAUTHORIZED");
        await alice.GetAsync("/v1/conversations").ExpectProblem(401);
    }

    [Fact]
    public async Task A_default_session_works_for_just_under_24_hours_and_not_after()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");

        server.Clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromMinutes(1));
        await alice.GetAsync("/v1/me").Expect(200);

        server.Clock.Advance(TimeSpan.FromMinutes(2));
        await alice.GetAsync("/v1/me").ExpectProblem(401);

        // A fresh session works again.
        await (await tenant.SessionAsync("alice")).GetAsync("/v1/me").Expect(200);
    }

    [Fact]
    public async Task Revoking_a_users_sessions_logs_out_every_device_of_that_user_only()
    {
        var tenant = await server.NewTenantAsync();
        var phone = await tenant.SessionAsync("alice");
        var laptop = await tenant.SessionAsync("alice");
        var bob = await tenant.SessionAsync("bob");

        await tenant.Backend.DeleteAsync("/server/v1/users/alice/sessions").Expect(204);

        await phone.GetAsync("/v1/me").ExpectProblem(401);
        await laptop.GetAsync("/v1/me").ExpectProblem(401);
        await bob.GetAsync("/v1/me").Expect(200);

        // The user still exists and may be given a new session.
        await tenant.Backend.GetAsync("/server/v1/users/alice").Expect(200);
        await (await tenant.SessionAsync("alice")).GetAsync("/v1/me").Expect(200);
        // Revoking when there are none left is fine too.
        await tenant.Backend.DeleteAsync("/server/v1/users/bob/sessions").Expect(204);
        await tenant.Backend.DeleteAsync("/server/v1/users/bob/sessions").Expect(204);
        await bob.GetAsync("/v1/me").ExpectProblem(401);
    }

    [Fact]
    public async Task Revoking_sessions_of_an_unknown_user_is_404()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.Backend.DeleteAsync("/server/v1/users/nobody/sessions").ExpectProblem(404, "USER_NOT_FOUND");
    }

    [Fact]
    public async Task A_session_for_an_unknown_user_is_404()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.Backend.PostJsonAsync("/server/v1/sessions", new { userId = "nobody" }).ExpectProblem(404, "USER_NOT_FOUND");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"userId\":null}")]
    [InlineData("{\"userId\":\"\"}")]
    [InlineData("{\"userId\":\"bad id\"}")]
    [InlineData("{\"userId\":42}")]
    [InlineData("{\"userId\":[\"alice\"]}")]
    public async Task A_session_request_without_a_valid_user_id_is_400(string body)
    {
        var tenant = await server.NewTenantAsync();
        await tenant.UpsertUserAsync("alice");
        await tenant.Backend.SendRawAsync(HttpMethod.Post, "/server/v1/sessions", body).ExpectProblem(400);
    }

    [Fact]
    public async Task A_session_of_one_tenant_cannot_be_issued_for_another_tenants_user()
    {
        var a = await server.NewTenantAsync();
        var b = await server.NewTenantAsync();
        await a.UpsertUserAsync("only-in-a");
        await b.Backend.PostJsonAsync("/server/v1/sessions", new { userId = "only-in-a" }).ExpectProblem(404, "USER_NOT_FOUND");
    }

    private static void AssertExpiry(string expiresAt, DateTimeOffset before, DateTimeOffset after, long ttlSeconds)
    {
        var expiry = DateTimeOffset.Parse(expiresAt, CultureInfo.InvariantCulture);
        Assert.InRange(expiry, before.AddSeconds(ttlSeconds).AddSeconds(-1), after.AddSeconds(ttlSeconds).AddSeconds(1));
    }
}
