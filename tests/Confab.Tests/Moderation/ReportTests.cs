using Confab.Tests.Infrastructure;

namespace Confab.Tests.Moderation;

public sealed class ReportTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task A_member_reports_a_message_and_the_backend_resolves_it_taking_the_message_down()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var eve = await tenant.SessionAsync("eve");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var message = (await tenant.SendAsync(bob, group, "something awful")).Str("id");
        var url = $"/v1/conversations/{group}/messages/{message}/report";

        await alice.PostJsonAsync(url, new { reason = "" }).ExpectProblem(400);
        await eve.PostJsonAsync(url, new { reason = "spam" }).ExpectProblem(404);
        var report = await alice.PostJsonAsync(url, new { reason = "harassment" }).ExpectJson(201);
        var again = await alice.PostJsonAsync(url, new { reason = "still harassment" }).ExpectJson(200);
        Assert.Equal(report.Str("id"), again.Str("id"));
        Assert.Equal(("open", "alice", message), (report.Str("status"), report.Str("reporterId"), report.Str("messageId")));

        var open = await tenant.Backend.GetAsync("/server/v1/reports").ExpectJson(200);
        Assert.Equal([report.Str("id")], open.Items().Select(r => r.Str("id")));
        var other = await server.NewTenantAsync();
        Assert.Empty((await other.Backend.GetAsync("/server/v1/reports").ExpectJson(200)).Items());
        await other.Backend.PatchJsonAsync($"/server/v1/reports/{report.Str("id")}", new { resolution = "x" }).ExpectProblem(404, "REPORT_NOT_FOUND");

        var position = await server.LastPositionAsync(tenant.Id);
        var resolved = await tenant.Backend.PatchJsonAsync($"/server/v1/reports/{report.Str("id")}", new { resolution = "removed", deleteMessage = true }).ExpectJson(200);
        Assert.Equal(("resolved", "removed"), (resolved.Str("status"), resolved.Str("resolution")));
        Assert.Contains(await server.ReadAsync(tenant.Id, position), e => e.Type == "message.deleted");
        var tombstone = (await alice.GetAsync($"/v1/conversations/{group}/messages").ExpectJson(200)).Items().Single();
        Assert.NotNull(tombstone.StrOrNull("deletedAt"));
        Assert.Null(tombstone.StrOrNull("text"));

        Assert.Empty((await tenant.Backend.GetAsync("/server/v1/reports").ExpectJson(200)).Items());
        Assert.Single((await tenant.Backend.GetAsync("/server/v1/reports?status=resolved").ExpectJson(200)).Items());
        await tenant.Backend.PatchJsonAsync($"/server/v1/reports/{report.Str("id")}", new { }).ExpectProblem(409, "REPORT_RESOLVED");
        await tenant.Backend.GetAsync("/server/v1/reports?status=closed").ExpectProblem(400);
    }

    [Fact]
    public async Task A_banned_user_cannot_use_its_sessions_or_sockets_until_the_ban_is_lifted_or_over()
    {
        var tenant = await server.NewTenantAsync();
        var token = await tenant.TokenAsync("bob");
        var bob = server.WithSession(token);
        var (socket, seq) = await TestSocket.ConnectReadyAsync(server, token);
        await using var _ = socket;
        await socket.AckedAsync("resume", new { since = seq });

        await tenant.Backend.PutJsonAsync("/server/v1/users/bob/ban", new { until = server.Clock.GetUtcNow().AddSeconds(-1) }).ExpectProblem(400);
        await tenant.Backend.PutJsonAsync("/server/v1/users/nobody/ban", new { }).ExpectProblem(404, "USER_NOT_FOUND");
        var ban = await tenant.Backend.PutJsonAsync("/server/v1/users/bob/ban", new { until = server.Clock.GetUtcNow().AddHours(1) }).ExpectJson(200);
        Assert.Equal("bob", ban.Str("userId"));

        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, await socket.ClosedAsync());
        await bob.GetAsync("/v1/me").ExpectProblem(401);
        await server.ActingAs(tenant.ApiKey, "bob").GetAsync("/v1/me").ExpectProblem(401);

        server.Clock.Advance(TimeSpan.FromHours(2));
        await server.WithSession(await tenant.TokenAsync("bob")).GetAsync("/v1/me").ExpectJson(200);

        await tenant.Backend.PutJsonAsync("/server/v1/users/bob/ban", new { }).ExpectJson(200);
        await server.ActingAs(tenant.ApiKey, "bob").GetAsync("/v1/me").ExpectProblem(401);
        await tenant.Backend.DeleteAsync("/server/v1/users/bob/ban").Expect(204);
        await server.ActingAs(tenant.ApiKey, "bob").GetAsync("/v1/me").ExpectJson(200);
    }
}
