using Confab.Tests.Infrastructure;

namespace Confab.Tests.Messages;

public sealed class SearchTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Search_returns_exactly_the_visible_matches_across_conversations_and_tenants()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob, carol) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"), await tenant.SessionAsync("carol"));
        var shared = await tenant.CreateConversationAsync(alice, "group", "bob");
        var aliceOnly = await tenant.CreateConversationAsync(alice, "group", "carol");
        var hit1 = (await tenant.SendAsync(alice, shared, "The launch checklist is ready")).Str("id");
        var hit2 = (await tenant.SendAsync(bob, shared, "checklists need owners")).Str("id");
        var edited = (await tenant.SendAsync(bob, shared, "nothing here")).Str("id");
        var deleted = (await tenant.SendAsync(bob, shared, "checklist to delete")).Str("id");
        var hidden = (await tenant.SendAsync(alice, shared, "checklist hidden for bob")).Str("id");
        var elsewhere = (await tenant.SendAsync(carol, aliceOnly, "checklist in another room")).Str("id");
        await bob.PatchJsonAsync($"/v1/conversations/{shared}/messages/{edited}", new { text = "edited into a checklist" }).ExpectJson(200);
        await bob.DeleteAsync($"/v1/conversations/{shared}/messages/{deleted}").Expect(204);
        await bob.DeleteAsync($"/v1/conversations/{shared}/messages/{hidden}?scope=me").Expect(204);

        var other = await server.NewTenantAsync();
        var mallory = await other.SessionAsync("bob");
        await other.UpsertUserAsync("alice");
        await other.SendAsync(mallory, await other.CreateConversationAsync(mallory, "direct", "alice"), "checklist of another tenant");

        Assert.Equal(new[] { hit1, hit2, edited }.Order(StringComparer.Ordinal), await IdsAsync(bob, "checklist"));
        Assert.Equal(new[] { hit1, hit2, edited, hidden, elsewhere }.Order(StringComparer.Ordinal), await IdsAsync(alice, "checklist"));
        Assert.Equal(new[] { elsewhere }, await IdsAsync(alice, $"checklist&conversationId={aliceOnly}"));
        Assert.Equal(new[] { hit1 }, await IdsAsync(bob, "LAUNCH checklist"));
        Assert.Empty(await IdsAsync(mallory, "launch"));
        await bob.GetAsync($"/v1/search/messages?q=checklist&conversationId={aliceOnly}").ExpectProblem(404);

        await bob.DeleteAsync($"/v1/conversations/{shared}/members/bob").Expect(204);
        Assert.Empty(await IdsAsync(bob, "checklist"));
    }

    [Theory]
    [InlineData("\"unbalanced")]
    [InlineData("AND OR NOT")]
    [InlineData("col:value")]
    [InlineData("a* NEAR(b c)")]
    [InlineData("'; DROP TABLE messages; --")]
    [InlineData("^start -minus (paren")]
    public async Task Any_query_text_is_safe(string q)
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");
        await tenant.SendAsync(alice, await tenant.CreateConversationAsync(alice, "direct", "bob"), "plain words");

        var page = await alice.GetAsync($"/v1/search/messages?q={Uri.EscapeDataString(q)}").ExpectJson(200);
        Assert.Empty(page.Items());
    }

    [Fact]
    public async Task Results_page_with_a_cursor_and_bad_queries_are_refused()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");
        var direct = await tenant.CreateConversationAsync(alice, "direct", "bob");
        for (var i = 0; i < 7; i++) await tenant.SendAsync(alice, direct, $"report number {i}");

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await alice.GetAsync($"/v1/search/messages?q=report&limit=3{(cursor is null ? "" : $"&cursor={cursor}")}").ExpectJson(200);
            seen.AddRange(page.Items().Select(m => m.Str("id")));
            cursor = page.NextCursor();
        }
        while (cursor is not null);
        Assert.Equal(7, seen.Distinct().Count());
        Assert.Equal(7, seen.Count);

        await alice.GetAsync("/v1/search/messages").ExpectProblem(400);
        await alice.GetAsync("/v1/search/messages?q=%20%20").ExpectProblem(400);
        await alice.GetAsync($"/v1/search/messages?q={new string('x', 201)}").ExpectProblem(400);
    }

    private static async Task<string[]> IdsAsync(HttpClient client, string query) =>
        (await client.GetAsync($"/v1/search/messages?q={query}").ExpectJson(200)).Items().Select(m => m.Str("id")).Order(StringComparer.Ordinal).ToArray();
}
