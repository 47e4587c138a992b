using Confab.Tests.Infrastructure;

namespace Confab.Tests.Users;

public sealed class IdAndCursorEdgeTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Theory]
    [InlineData("eve%0A")]
    [InlineData("eve%0D%0A")]
    public async Task A_user_id_ending_in_a_line_break_is_refused_and_nothing_is_stored(string escapedId)
    {
        var tenant = await server.NewTenantAsync();

        await tenant.Backend.PutJsonAsync($"/server/v1/users/{escapedId}", new { name = "Eve" }).ExpectProblem(400);

        Assert.Empty((await tenant.Backend.GetAsync("/server/v1/users").ExpectJson(200)).Items());
    }

    [Fact]
    public async Task A_cursor_from_the_backend_user_list_is_refused_by_the_client_user_list_and_by_another_query()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        foreach (var id in new[] { "bob", "bea", "ben" }) await tenant.UpsertUserAsync(id);
        var cursor = (await tenant.Backend.GetAsync("/server/v1/users?limit=1").ExpectJson(200)).NextCursor()!;

        await alice.GetAsync($"/v1/users?limit=1&cursor={cursor}").ExpectProblem(400, "INVALID_CURSOR");
        await tenant.Backend.GetAsync($"/server/v1/users?limit=1&q=b&cursor={cursor}").ExpectProblem(400, "INVALID_CURSOR");
        await tenant.Backend.GetAsync($"/server/v1/users?limit=1&cursor={cursor}").Expect(200);
    }

    [Fact]
    public async Task A_conversation_list_cursor_is_refused_with_other_filters()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");
        for (var i = 0; i < 3; i++) await tenant.CreateConversationAsync(alice, "group", "bob");
        var cursor = (await alice.GetAsync("/v1/conversations?limit=1").ExpectJson(200)).NextCursor()!;

        await alice.GetAsync($"/v1/conversations?limit=1&type=group&cursor={cursor}").ExpectProblem(400, "INVALID_CURSOR");
        await alice.GetAsync($"/v1/conversations?limit=1&cursor={cursor}").Expect(200);
    }
}
