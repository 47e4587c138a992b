using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Conversations;

/// <summary>GET /v1/conversations: order by activity, every filter, and cursor pagination.</summary>
public sealed class ConversationListTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task The_list_shows_the_most_recent_activity_first_and_a_new_message_moves_a_conversation_to_the_top()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var first = await CreateAsync(tenant, alice, "group", "bob");
        var second = await CreateAsync(tenant, alice, "group", "bob");
        var third = await CreateAsync(tenant, alice, "direct", "bob");

        Assert.Equal(Ids(third, second, first), await ListAsync(alice));

        Tick();
        await tenant.SendAsync(bob, first, "bump");
        Assert.Equal(Ids(first, third, second), await ListAsync(alice));
        Assert.Equal(Ids(first, third, second), await ListAsync(bob));

        Tick();
        await tenant.SendAsync(alice, second, "bump again");
        Assert.Equal(Ids(second, first, third), await ListAsync(alice));
    }

    [Fact]
    public async Task Each_listed_conversation_carries_the_newest_message_the_caller_can_see()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var chatty = await CreateAsync(tenant, alice, "group", "bob");
        var quiet = await CreateAsync(tenant, alice, "group", "bob");
        var other = await CreateAsync(tenant, bob, "direct", "alice");
        await tenant.SendAsync(alice, chatty, "older");
        var newest = await tenant.SendAsync(alice, chatty, "newest");
        await tenant.SendAsync(bob, other, "elsewhere");

        await bob.DeleteAsync($"/v1/conversations/{chatty}/messages/{newest.Str("id")}?scope=me").Expect(204);

        var alicePage = await PageAsync(alice);
        Assert.Equal("newest", LastText(Find(alicePage, chatty)));
        Assert.Equal("elsewhere", LastText(Find(alicePage, other)));
        Assert.Null(LastText(Find(alicePage, quiet)));
        var bobPage = await PageAsync(bob);
        Assert.Equal("older", LastText(Find(bobPage, chatty)));
        Assert.Equal("elsewhere", LastText(Find(bobPage, other)));
    }

    [Fact]
    public async Task The_list_holds_only_the_callers_own_conversations()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob, carol) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"), await tenant.SessionAsync("carol"));
        var shared = await CreateAsync(tenant, alice, "group", "bob");
        var alone = await CreateAsync(tenant, alice, "group");
        var bobCarol = await CreateAsync(tenant, bob, "direct", "carol");

        Assert.Equal(Ids(alone, shared), await ListAsync(alice));
        Assert.Equal(Ids(bobCarol, shared), await ListAsync(bob));
        Assert.Equal(Ids(bobCarol), await ListAsync(carol));
    }

    [Fact]
    public async Task The_type_filter_keeps_only_that_type()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");
        var direct = await CreateAsync(tenant, alice, "direct", "bob");
        var group = await CreateAsync(tenant, alice, "group", "bob");
        var channel = await CreateAsync(tenant, alice, "channel", "bob");
        var bot = await CreateAsync(tenant, alice, "bot", "bob");

        Assert.Equal(Ids(direct), await ListAsync(alice, "type=direct"));
        Assert.Equal(Ids(group), await ListAsync(alice, "type=group"));
        Assert.Equal(Ids(channel), await ListAsync(alice, "type=channel"));
        Assert.Equal(Ids(bot), await ListAsync(alice, "type=bot"));
        Assert.Equal(4, (await ListAsync(alice)).Length);
    }

    [Fact]
    public async Task The_pinned_filter_follows_the_callers_own_pins()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var pinned = await CreateAsync(tenant, alice, "group", "bob");
        var other = await CreateAsync(tenant, alice, "group", "bob");
        await alice.PatchJsonAsync($"/v1/conversations/{pinned}", new { pinned = true }).ExpectJson(200);

        Assert.Equal(Ids(pinned), await ListAsync(alice, "pinned=true"));
        Assert.Equal(Ids(other), await ListAsync(alice, "pinned=false"));
        Assert.Empty(await ListAsync(bob, "pinned=true"));
        Assert.True(Find(await PageAsync(alice), pinned).GetProperty("pinned").GetBoolean());
        Assert.False(Find(await PageAsync(bob), pinned).GetProperty("pinned").GetBoolean());
    }

    [Fact]
    public async Task The_muted_filter_follows_the_callers_own_mute_and_its_expiry()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var forever = await CreateAsync(tenant, alice, "group", "bob");
        var forAnHour = await CreateAsync(tenant, alice, "group", "bob");
        var loud = await CreateAsync(tenant, alice, "group", "bob");
        await alice.PatchJsonAsync($"/v1/conversations/{forever}", new { muted = true }).ExpectJson(200);
        await alice.PatchJsonAsync($"/v1/conversations/{forAnHour}", new { mutedUntil = server.Clock.GetUtcNow().AddHours(1) }).ExpectJson(200);

        Assert.Equal(Ids(forAnHour, forever), await ListAsync(alice, "muted=true"));
        Assert.Equal(Ids(loud), await ListAsync(alice, "muted=false"));
        Assert.Empty(await ListAsync(bob, "muted=true"));

        server.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(Ids(forever), await ListAsync(alice, "muted=true"));
        Assert.Equal(Ids(loud, forAnHour), await ListAsync(alice, "muted=false"));
    }

    [Fact]
    public async Task Archived_conversations_are_hidden_by_default_and_listed_with_archived_true()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var archived = await CreateAsync(tenant, alice, "group", "bob");
        var active = await CreateAsync(tenant, alice, "group", "bob");
        await alice.PatchJsonAsync($"/v1/conversations/{archived}", new { archived = true }).ExpectJson(200);

        Assert.Equal(Ids(active), await ListAsync(alice));
        Assert.Equal(Ids(active), await ListAsync(alice, "archived=false"));
        Assert.Equal(Ids(archived), await ListAsync(alice, "archived=true"));
        Assert.True(Find(await PageAsync(alice, "archived=true"), archived).GetProperty("archived").GetBoolean());
        Assert.Equal(Ids(active, archived), await ListAsync(bob));
    }

    [Fact]
    public async Task The_hasUnread_filter_keeps_conversations_with_others_unread_messages()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var unread = await CreateAsync(tenant, alice, "group", "bob");
        var ownOnly = await CreateAsync(tenant, alice, "group", "bob");
        var quiet = await CreateAsync(tenant, alice, "group", "bob");
        Tick();
        await tenant.SendAsync(bob, unread, "one");
        await tenant.SendAsync(bob, unread, "two");
        await tenant.SendAsync(alice, ownOnly, "mine");

        Assert.Equal(Ids(unread), await ListAsync(alice, "hasUnread=true"));
        Assert.Equal(Ids(ownOnly, quiet), await ListAsync(alice, "hasUnread=false"));
        Assert.Equal(2, Find(await PageAsync(alice), unread).GetProperty("unreadCount").GetInt64());
        Assert.Equal(Ids(ownOnly), await ListAsync(bob, "hasUnread=true"));

        await alice.PostJsonAsync($"/v1/conversations/{unread}/read", new { }).ExpectJson(200, 204);
        Assert.Empty(await ListAsync(alice, "hasUnread=true"));
    }

    [Fact]
    public async Task The_q_filter_matches_title_or_description_ignoring_case()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var byTitle = await CreateWithAsync(alice, new { type = "group", participantIds = Array.Empty<string>(), title = "Rocket Launch", description = "go" });
        var byDescription = await CreateWithAsync(alice, new { type = "group", participantIds = Array.Empty<string>(), title = "Misc", description = "about rockets" });
        await CreateWithAsync(alice, new { type = "group", participantIds = Array.Empty<string>(), title = "Gardening", description = "plants" });
        await CreateWithAsync(alice, new { type = "group", participantIds = Array.Empty<string>(), title = "100% off", description = "sale" });

        Assert.Equal(Ids(byDescription, byTitle), await ListAsync(alice, "q=ROCKET"));
        Assert.Equal(Ids(byTitle), await ListAsync(alice, "q=launch"));
        Assert.Empty(await ListAsync(alice, "q=submarine"));
        Assert.Single(await ListAsync(alice, "q=" + Uri.EscapeDataString("0%")));
    }

    [Fact]
    public async Task The_role_filter_keeps_conversations_where_the_caller_has_that_role()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var owned = await CreateAsync(tenant, alice, "group", "bob");
        var joined = await CreateAsync(tenant, bob, "group", "alice");
        var moderated = await CreateAsync(tenant, bob, "group", "alice");
        await bob.PatchJsonAsync($"/v1/conversations/{moderated}/members/alice", new { role = "moderator" }).ExpectJson(200);

        Assert.Equal(Ids(owned), await ListAsync(alice, "role=owner"));
        Assert.Equal(Ids(joined), await ListAsync(alice, "role=member"));
        Assert.Equal(Ids(moderated), await ListAsync(alice, "role=moderator"));
        Assert.Empty(await ListAsync(alice, "role=admin"));
        Assert.Equal(Ids(moderated, joined), await ListAsync(bob, "role=owner"));
    }

    [Fact]
    public async Task Filters_combine()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");
        var pinnedGroup = await CreateAsync(tenant, alice, "group", "bob");
        var pinnedDirect = await CreateAsync(tenant, alice, "direct", "bob");
        await CreateAsync(tenant, alice, "group", "bob");
        foreach (var id in Ids(pinnedGroup, pinnedDirect)) await alice.PatchJsonAsync($"/v1/conversations/{id}", new { pinned = true }).ExpectJson(200);

        Assert.Equal(Ids(pinnedGroup), await ListAsync(alice, "type=group&pinned=true"));
        Assert.Equal(Ids(pinnedDirect), await ListAsync(alice, "type=direct&pinned=true&role=member"));
        Assert.Empty(await ListAsync(alice, "type=direct&role=owner"));
    }

    [Fact]
    public async Task Cursor_pagination_returns_each_conversation_exactly_once_in_order()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");
        var created = new List<string>();
        // Created back to back, several may share one activity instant, which the cursor must still tell apart.
        for (var i = 0; i < 7; i++) created.Add(await tenant.CreateConversationAsync(alice, "group", "bob"));
        await tenant.SendAsync(alice, created[2], "x");
        var all = await ListAsync(alice);

        var seen = new List<string>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await alice.GetAsync("/v1/conversations?limit=3" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))).ExpectJson(200);
            var items = page.Items();
            Assert.InRange(items.Length, 1, 3);
            seen.AddRange(items.Select(c => c.Str("id")));
            cursor = page.NextCursor();
            pages++;
        }
        while (cursor is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(all, seen.ToArray());
        Assert.Equal(7, seen.Distinct().Count());
        Assert.Equal(created.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_last_page_has_a_null_next_cursor()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await CreateAsync(tenant, alice, "group");
        await CreateAsync(tenant, alice, "group");

        var exact = await alice.GetAsync("/v1/conversations?limit=2").ExpectJson(200);
        Assert.Equal(2, exact.Items().Length);
        Assert.Equal(JsonValueKind.Null, exact.GetProperty("nextCursor").ValueKind);
    }

    [Fact]
    public async Task A_cursor_from_another_list_is_rejected_with_INVALID_CURSOR()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");
        await tenant.UpsertUserAsync("carol");
        var id = await CreateAsync(tenant, alice, "group", "bob", "carol");
        var usersCursor = (await alice.GetAsync("/v1/users?limit=1").ExpectJson(200)).NextCursor();
        var membersCursor = (await alice.GetAsync($"/v1/conversations/{id}/members?limit=1").ExpectJson(200)).NextCursor();
        Assert.NotNull(usersCursor);
        Assert.NotNull(membersCursor);

        await alice.GetAsync("/v1/conversations?cursor=" + Uri.EscapeDataString(usersCursor)).ExpectProblem(400, "INVALID_CURSOR");
        await alice.GetAsync("/v1/conversations?cursor=" + Uri.EscapeDataString(membersCursor)).ExpectProblem(400, "INVALID_CURSOR");
        await alice.GetAsync("/v1/conversations?cursor=garbage!!").ExpectProblem(400, "INVALID_CURSOR");
    }

    [Fact]
    public async Task A_conversations_cursor_is_rejected_by_another_list()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");
        var id = await CreateAsync(tenant, alice, "group", "bob");
        await CreateAsync(tenant, alice, "group", "bob");
        var cursor = (await alice.GetAsync("/v1/conversations?limit=1").ExpectJson(200)).NextCursor();
        Assert.NotNull(cursor);

        await alice.GetAsync("/v1/users?cursor=" + Uri.EscapeDataString(cursor)).ExpectProblem(400, "INVALID_CURSOR");
        await alice.GetAsync($"/v1/conversations/{id}/members?cursor=" + Uri.EscapeDataString(cursor)).ExpectProblem(400, "INVALID_CURSOR");
    }

    [Fact]
    public async Task A_member_list_cursor_of_one_conversation_is_rejected_by_another()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");
        await tenant.UpsertUserAsync("carol");
        var first = await CreateAsync(tenant, alice, "group", "bob", "carol");
        var second = await CreateAsync(tenant, alice, "group", "bob", "carol");
        var cursor = (await alice.GetAsync($"/v1/conversations/{first}/members?limit=1").ExpectJson(200)).NextCursor();
        Assert.NotNull(cursor);

        await alice.GetAsync($"/v1/conversations/{first}/members?limit=1&cursor=" + Uri.EscapeDataString(cursor)).Expect(200);
        await alice.GetAsync($"/v1/conversations/{second}/members?cursor=" + Uri.EscapeDataString(cursor)).ExpectProblem(400, "INVALID_CURSOR");
    }

    [Theory]
    [InlineData("type=sms")]
    [InlineData("role=king")]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    [InlineData("pinned=maybe")]
    public async Task Bad_list_parameters_are_rejected_with_400(string query)
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");

        await alice.GetAsync("/v1/conversations?" + query).ExpectProblem(400);
    }

    /// <summary>Moves the server clock on so the next activity has a later instant than the last.</summary>
    private void Tick() => server.Clock.Advance(TimeSpan.FromMilliseconds(50));

    private async Task<string> CreateAsync(TestTenant tenant, HttpClient creator, string type, params string[] participantIds)
    {
        Tick();
        return await tenant.CreateConversationAsync(creator, type, participantIds);
    }

    private async Task<string> CreateWithAsync(HttpClient creator, object body)
    {
        Tick();
        return (await creator.PostJsonAsync("/v1/conversations", body).ExpectJson(201)).Str("id");
    }

    private static Task<JsonElement> PageAsync(HttpClient client, string query = "") =>
        client.GetAsync("/v1/conversations?limit=200&" + query).ExpectJson(200);

    private static async Task<string[]> ListAsync(HttpClient client, string query = "") =>
        (await PageAsync(client, query)).Items().Select(c => c.Str("id")).ToArray();

    private static JsonElement Find(JsonElement page, string id) => Assert.Single(page.Items(), c => c.Str("id") == id);

    private static string[] Ids(params string[] ids) => ids;

    private static string? LastText(JsonElement conversation) =>
        conversation.TryGetProperty("lastMessage", out var message) ? message.Str("text") : null;
}
