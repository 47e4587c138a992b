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

    [Fact]
    public async Task Messages_removed_by_a_later_write_of_their_batch_leave_no_search_entry_and_the_rest_are_found()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var doomed = await tenant.CreateConversationAsync(alice, "group", "bob");
        var kept = await tenant.CreateConversationAsync(alice, "group", "bob");

        // The first write holds the single writer (SQLite) while the rest queue behind it and share one batch, whose
        // full-text entries are written after all its writes: after the conversation and bob's messages are gone.
        var (sends, deletions) = await server.HoldingTheWriterAsync(async () =>
        {
            var sends = new[]
            {
                alice.PostJsonAsync($"/v1/conversations/{doomed}/messages", new { text = "ledger in a deleted room" }),
                alice.PostJsonAsync($"/v1/conversations/{kept}/messages", new { text = "ledger kept" }),
                bob.PostJsonAsync($"/v1/conversations/{kept}/messages", new { text = "ledger of a deleted user" }),
            };
            // PostgreSQL runs writes side by side rather than queueing them, so there the sends must be done first.
            if (server.Database.Engine.WriteConcurrency > 1) await Task.WhenAll(sends);
            else await server.WritesQueuedAsync(sends.Length);
            Task<HttpResponseMessage>[] deletions = [alice.DeleteAsync($"/v1/conversations/{doomed}"), tenant.Backend.DeleteAsync("/server/v1/users/bob?messages=delete")];
            await server.WritesQueuedAsync(sends.Length + deletions.Length);
            return (sends, deletions);
        });

        var keptId = (await Task.WhenAll(sends.Select(sent => sent.ExpectJson(201))))[1].Str("id");
        foreach (var deletion in deletions) await deletion.Expect(204);
        Assert.Equal(new[] { keptId }, await IdsAsync(alice, "ledger"));
        var entries = await server.Database.ReadAsync(db => db.QueryAsync<string>(
            "SELECT message_id FROM search_keys WHERE tenant_id = @tenantId", new { tenantId = tenant.Id }));
        Assert.Equal(new[] { keptId }, entries);
        Assert.Equal(0, await server.SearchTextWithoutKeyAsync());
    }

    private static async Task<string[]> IdsAsync(HttpClient client, string query) =>
        (await client.GetAsync($"/v1/search/messages?q={query}").ExpectJson(200)).Items().Select(m => m.Str("id")).Order(StringComparer.Ordinal).ToArray();
}
