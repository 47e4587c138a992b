using Confab.Tests.Infrastructure;

namespace Confab.Tests.Moderation;

public sealed class RateLimitTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task A_burst_of_one_hundred_messages_holds_at_the_limit_with_retry_after_while_another_user_is_unaffected()
    {
        var tenant = await server.NewTenantAsync(specRateLimits: true);
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");

        var statuses = new List<int>();
        HttpResponseMessage? refused = null;
        var burst = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 100; i++)
        {
            var response = await alice.PostJsonAsync($"/v1/conversations/{group}/messages", new { text = $"burst {i}" });
            statuses.Add((int)response.StatusCode);
            if ((int)response.StatusCode == 429) refused ??= response;
        }

        // The bucket refills one token a second, so a burst that took longer (a loaded machine) earns that many more.
        var refilled = (int)burst.Elapsed.TotalSeconds;
        var accepted = statuses.Count(s => s == 201);
        Assert.InRange(accepted, 60, 60 + refilled);
        Assert.Equal(100 - accepted, statuses.Count(s => s == 429));
        Assert.Equal(Enumerable.Repeat(201, 60), statuses.Take(60));
        var retryAfter = int.Parse(refused!.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        var problem = await Task.FromResult(refused).ExpectProblem(429, "RATE_LIMITED");
        Assert.Contains("60", problem.Str("message"), StringComparison.Ordinal);
        Assert.Equal(accepted, (await alice.GetAsync($"/v1/conversations/{group}/messages?limit=200").ExpectJson(200)).Items().Length);

        await bob.PostJsonAsync($"/v1/conversations/{group}/messages", new { text = "not slowed by alice" }).ExpectJson(201);
        server.Clock.Advance(TimeSpan.FromSeconds(2));
        await alice.PostJsonAsync($"/v1/conversations/{group}/messages", new { text = "a token came back" }).ExpectJson(201);
    }

    [Fact]
    public async Task The_request_limit_counts_every_request_and_a_lowered_limit_takes_effect_at_once()
    {
        var tenant = await server.NewTenantAsync(specRateLimits: true);
        var alice = await tenant.SessionAsync("alice");
        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { rateLimits = new { requestsPerMinutePerUser = 5 } }).ExpectJson(200);

        for (var i = 0; i < 5; i++) await alice.GetAsync("/v1/me").Expect(200);
        var refused = await alice.GetAsync("/v1/conversations");
        Assert.Equal(429, (int)refused.StatusCode);
        Assert.True(refused.Headers.Contains("Retry-After"));
        await tenant.Backend.GetAsync("/server/v1/users").Expect(200);
    }

    [Fact]
    public async Task A_socket_send_over_the_limit_gets_an_error_frame_with_the_code_and_the_socket_stays_open()
    {
        var tenant = await server.NewTenantAsync(specRateLimits: true);
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");
        var direct = await tenant.CreateConversationAsync(alice, "direct", "bob");
        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { rateLimits = new { messagesPerMinutePerUser = 2 } }).ExpectJson(200);
        var (socket, seq) = await TestSocket.ConnectReadyAsync(server, await tenant.TokenAsync("alice"));
        await using var _ = socket;
        await socket.AckedAsync("resume", new { since = seq });

        await socket.AckedAsync("message.send", new { conversationId = direct, text = "one" });
        await socket.AckedAsync("message.send", new { conversationId = direct, text = "two" });
        var refused = await socket.RequestAsync("message.send", new { conversationId = direct, text = "three" });

        Assert.Equal(("error", "RATE_LIMITED"), (refused.Str("type"), refused.GetProperty("payload").Str("code")));
        await socket.AckedAsync("ping");
    }
}

public sealed class TenantRateLimitTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task The_tenant_limit_holds_across_its_users_and_leaves_other_tenants_alone()
    {
        var tenant = await server.NewTenantAsync(specRateLimits: true);
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { rateLimits = new { messagesPerMinutePerTenant = 3 } }).ExpectJson(200);

        await alice.PostJsonAsync($"/v1/conversations/{group}/messages", new { text = "1" }).ExpectJson(201);
        await bob.PostJsonAsync($"/v1/conversations/{group}/messages", new { text = "2" }).ExpectJson(201);
        await alice.PostJsonAsync($"/v1/conversations/{group}/messages", new { text = "3" }).ExpectJson(201);
        var problem = await bob.PostJsonAsync($"/v1/conversations/{group}/messages", new { text = "4" }).ExpectProblem(429, "RATE_LIMITED");
        Assert.Contains("tenant", problem.Str("message"), StringComparison.Ordinal);

        var other = await server.NewTenantAsync(specRateLimits: true);
        var carol = await other.SessionAsync("carol");
        await other.UpsertUserAsync("dan");
        await other.SendAsync(carol, await other.CreateConversationAsync(carol, "direct", "dan"), "unaffected");
    }
}
