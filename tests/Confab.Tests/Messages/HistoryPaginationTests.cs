using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Messages;

/// <summary>History: newest first with cursors, beforeId, afterId (oldest first), aroundId, limits and cursor checks.</summary>
public sealed class HistoryPaginationTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Paging_137_messages_by_20_returns_each_exactly_once_newest_first()
    {
        var (_, alice, conversation, sent) = await ConversationWithMessagesAsync(137);

        var seen = new List<JsonElement>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var url = $"/v1/conversations/{conversation}/messages?limit=20" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var page = await alice.GetAsync(url).ExpectJson(200);
            var items = page.Items();
            Assert.True(items.Length <= 20, $"page of {items.Length}");
            seen.AddRange(items);
            cursor = page.NextCursor();
            Assert.True(++pages <= 10, "paging does not end");
        }
        while (cursor is not null);

        Assert.Equal(7, pages);
        Assert.Equal(sent.AsEnumerable().Reverse().Select(m => m.Str("id")), seen.Select(m => m.Str("id")));
        var seqs = seen.Select(m => m.GetProperty("seq").GetInt64()).ToList();
        for (var i = 1; i < seqs.Count; i++) Assert.True(seqs[i] < seqs[i - 1], "history is not strictly newest first");
    }

    [Fact]
    public async Task Without_a_limit_a_page_holds_50_messages()
    {
        var (_, alice, conversation, sent) = await ConversationWithMessagesAsync(55);

        var page = await alice.GetAsync($"/v1/conversations/{conversation}/messages").ExpectJson(200);

        Assert.Equal(50, page.Items().Length);
        Assert.Equal(sent[^1].Str("id"), page.Items()[0].Str("id"));
        Assert.NotNull(page.NextCursor());
    }

    [Fact]
    public async Task The_last_page_has_no_next_cursor()
    {
        var (_, alice, conversation, _) = await ConversationWithMessagesAsync(3);

        var page = await alice.GetAsync($"/v1/conversations/{conversation}/messages?limit=200").ExpectJson(200);

        Assert.Equal(3, page.Items().Length);
        Assert.Null(page.NextCursor());
    }

    [Fact]
    public async Task BeforeId_returns_older_messages_newest_first()
    {
        var (_, alice, conversation, sent) = await ConversationWithMessagesAsync(30);

        var page = await alice.GetAsync($"/v1/conversations/{conversation}/messages?beforeId={sent[20].Str("id")}&limit=5").ExpectJson(200);

        Assert.Equal(Enumerable.Range(15, 5).Reverse().Select(i => sent[i].Str("id")), page.Items().Select(m => m.Str("id")));
        Assert.NotNull(page.NextCursor());

        var next = await alice.GetAsync($"/v1/conversations/{conversation}/messages?limit=5&cursor={Uri.EscapeDataString(page.NextCursor()!)}").ExpectJson(200);
        Assert.Equal(Enumerable.Range(10, 5).Reverse().Select(i => sent[i].Str("id")), next.Items().Select(m => m.Str("id")));
    }

    [Fact]
    public async Task AfterId_returns_newer_messages_oldest_first_and_its_cursor_keeps_ascending()
    {
        var (_, alice, conversation, sent) = await ConversationWithMessagesAsync(30);

        var page = await alice.GetAsync($"/v1/conversations/{conversation}/messages?afterId={sent[10].Str("id")}&limit=5").ExpectJson(200);
        Assert.Equal(Enumerable.Range(11, 5).Select(i => sent[i].Str("id")), page.Items().Select(m => m.Str("id")));

        var seen = page.Items().Select(m => m.Str("id")).ToList();
        var cursor = page.NextCursor();
        var pages = 1;
        while (cursor is not null)
        {
            var next = await alice.GetAsync($"/v1/conversations/{conversation}/messages?limit=5&cursor={Uri.EscapeDataString(cursor)}").ExpectJson(200);
            seen.AddRange(next.Items().Select(m => m.Str("id")));
            cursor = next.NextCursor();
            Assert.True(++pages <= 10, "paging does not end");
        }

        Assert.Equal(Enumerable.Range(11, 19).Select(i => sent[i].Str("id")), seen);
    }

    [Fact]
    public async Task AfterId_of_the_newest_message_is_an_empty_page()
    {
        var (_, alice, conversation, sent) = await ConversationWithMessagesAsync(4);

        var page = await alice.GetAsync($"/v1/conversations/{conversation}/messages?afterId={sent[^1].Str("id")}").ExpectJson(200);

        Assert.Empty(page.Items());
        Assert.Null(page.NextCursor());
    }

    [Fact]
    public async Task AroundId_contains_the_anchor_and_its_neighbours_on_both_sides()
    {
        var (_, alice, conversation, sent) = await ConversationWithMessagesAsync(40);

        var page = await alice.GetAsync($"/v1/conversations/{conversation}/messages?aroundId={sent[20].Str("id")}&limit=11").ExpectJson(200);
        var ids = page.Items().Select(m => m.Str("id")).ToList();

        Assert.Equal(11, ids.Count);
        Assert.Contains(sent[20].Str("id"), ids);
        Assert.Contains(sent[19].Str("id"), ids);
        Assert.Contains(sent[21].Str("id"), ids);
        Assert.Contains(sent[16].Str("id"), ids);
        Assert.Contains(sent[24].Str("id"), ids);
        var indexes = ids.Select(id => sent.FindIndex(m => m.Str("id") == id)).ToList();
        Assert.Equal(indexes.Max() - indexes.Min() + 1, indexes.Count);
        Assert.Equal(indexes.OrderDescending(), indexes);
    }

    [Fact]
    public async Task AroundId_near_the_newest_message_still_contains_the_anchor()
    {
        var (_, alice, conversation, sent) = await ConversationWithMessagesAsync(10);

        var page = await alice.GetAsync($"/v1/conversations/{conversation}/messages?aroundId={sent[^1].Str("id")}&limit=5").ExpectJson(200);
        var ids = page.Items().Select(m => m.Str("id")).ToList();

        Assert.Equal(sent[^1].Str("id"), ids[0]);
        Assert.Contains(sent[^2].Str("id"), ids);
        Assert.True(ids.Count is >= 3 and <= 5, $"{ids.Count} items");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("201")]
    [InlineData("-1")]
    public async Task A_limit_outside_1_to_200_is_rejected(string limit)
    {
        var (_, alice, conversation, _) = await ConversationWithMessagesAsync(1);

        await alice.GetAsync($"/v1/conversations/{conversation}/messages?limit={limit}").ExpectProblem(400);
    }

    [Fact]
    public async Task A_limit_that_is_not_a_number_is_rejected()
    {
        var (_, alice, conversation, _) = await ConversationWithMessagesAsync(1);

        await alice.GetAsync($"/v1/conversations/{conversation}/messages?limit=ten").ExpectProblem(400);
    }

    [Fact]
    public async Task Limits_of_1_and_200_are_accepted()
    {
        var (_, alice, conversation, sent) = await ConversationWithMessagesAsync(3);

        var one = await alice.GetAsync($"/v1/conversations/{conversation}/messages?limit=1").ExpectJson(200);
        Assert.Equal(sent[^1].Str("id"), Assert.Single(one.Items()).Str("id"));
        Assert.Equal(3, (await alice.GetAsync($"/v1/conversations/{conversation}/messages?limit=200").ExpectJson(200)).Items().Length);
    }

    [Fact]
    public async Task A_cursor_from_another_conversation_is_rejected_with_INVALID_CURSOR()
    {
        var (tenant, alice, conversation, _) = await ConversationWithMessagesAsync(5);
        var other = await tenant.CreateConversationAsync(alice, "direct", "bob");
        for (var i = 0; i < 5; i++) await tenant.SendAsync(alice, other, $"other {i}");
        var foreignCursor = (await alice.GetAsync($"/v1/conversations/{other}/messages?limit=2").ExpectJson(200)).NextCursor();
        Assert.NotNull(foreignCursor);

        await alice.GetAsync($"/v1/conversations/{conversation}/messages?cursor={Uri.EscapeDataString(foreignCursor)}").ExpectProblem(400, "INVALID_CURSOR");
    }

    [Fact]
    public async Task A_cursor_from_another_list_is_rejected_with_INVALID_CURSOR_both_ways()
    {
        var (tenant, alice, conversation, _) = await ConversationWithMessagesAsync(5);
        await tenant.CreateConversationAsync(alice, "direct", "bob");
        var conversationsCursor = (await alice.GetAsync("/v1/conversations?limit=1").ExpectJson(200)).NextCursor();
        Assert.NotNull(conversationsCursor);
        var messagesCursor = (await alice.GetAsync($"/v1/conversations/{conversation}/messages?limit=2").ExpectJson(200)).NextCursor();
        Assert.NotNull(messagesCursor);

        await alice.GetAsync($"/v1/conversations/{conversation}/messages?cursor={Uri.EscapeDataString(conversationsCursor)}").ExpectProblem(400, "INVALID_CURSOR");
        await alice.GetAsync($"/v1/conversations?cursor={Uri.EscapeDataString(messagesCursor)}").ExpectProblem(400, "INVALID_CURSOR");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("!!!")]
    [InlineData("bWVzc2FnZXM")]
    public async Task A_made_up_cursor_is_rejected_with_INVALID_CURSOR(string cursor)
    {
        var (_, alice, conversation, _) = await ConversationWithMessagesAsync(2);

        await alice.GetAsync($"/v1/conversations/{conversation}/messages?cursor={Uri.EscapeDataString(cursor)}").ExpectProblem(400, "INVALID_CURSOR");
    }

    [Fact]
    public async Task A_conversation_the_caller_cannot_see_is_not_found_before_a_cursor_is_checked_and_afterId_ignores_the_cursor()
    {
        var (tenant, alice, conversation, sent) = await ConversationWithMessagesAsync(3);
        var cat = (await tenant.SessionsAsync("cat"))[0];
        var notAlices = await tenant.CreateConversationAsync(cat, "group", "bob");

        await alice.GetAsync($"/v1/conversations/{notAlices}/messages?cursor=garbage").ExpectProblem(404, "CONVERSATION_NOT_FOUND");
        await alice.GetAsync($"/v1/conversations/{conversation}/messages?cursor=garbage").ExpectProblem(400, "INVALID_CURSOR");
        var page = await alice.GetAsync($"/v1/conversations/{conversation}/messages?afterId={sent[0].Str("id")}&cursor=garbage").ExpectJson(200);
        Assert.Equal(sent.Skip(1).Select(m => m.Str("id")), page.Items().Select(m => m.Str("id")));
    }

    [Fact]
    public async Task BeforeId_afterId_and_aroundId_naming_a_message_of_another_conversation_are_not_found()
    {
        var (tenant, alice, conversation, _) = await ConversationWithMessagesAsync(2);
        var other = await tenant.CreateConversationAsync(alice, "direct", "bob");
        var foreign = await tenant.SendAsync(alice, other, "elsewhere");

        foreach (var parameter in new[] { "beforeId", "afterId", "aroundId" })
            await alice.GetAsync($"/v1/conversations/{conversation}/messages?{parameter}={foreign.Str("id")}").ExpectProblem(404, "MESSAGE_NOT_FOUND");
    }

    /// <summary>A fresh tenant, alice and bob in a group, and <paramref name="count"/> messages from both, oldest first.</summary>
    private async Task<(TestTenant Tenant, HttpClient Alice, string Conversation, List<JsonElement> Sent)> ConversationWithMessagesAsync(int count)
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        var sent = new List<JsonElement>();
        for (var i = 0; i < count; i++) sent.Add(await tenant.SendAsync(clients[i % 2], conversation, $"message {i}"));
        return (tenant, clients[0], conversation, sent);
    }
}
