using System.Text.Json;
using Confab.Server.Conversations;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Receipts;

/// <summary>Unread counts in /v1/unread and on conversations; one's own messages never count.</summary>
public sealed class UnreadCountTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Messages_from_others_count_as_unread_everywhere_until_read()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var sent = new List<JsonElement>();
        for (var i = 0; i < 3; i++) sent.Add(await tenant.SendAsync(alice, conversation, $"ping {i}"));

        var summary = await bob.GetAsync("/v1/unread").ExpectJson(200, 204);
        Assert.Equal(3, summary.GetProperty("totalUnread").GetInt64());
        Assert.Equal(3, ByConversation(summary, conversation));
        Assert.Equal(3, await DetailUnreadAsync(bob, conversation));
        Assert.Equal(3, await ListedUnreadAsync(bob, conversation));

        await bob.PostJsonAsync($"/v1/conversations/{conversation}/read", new { upToMessageId = sent[0].Str("id") }).ExpectJson(200, 204);
        Assert.Equal(2, (await bob.GetAsync("/v1/unread").ExpectJson(200)).GetProperty("totalUnread").GetInt64());
        Assert.Equal(2, await DetailUnreadAsync(bob, conversation));
        Assert.Equal(2, await ListedUnreadAsync(bob, conversation));

        await bob.PostJsonAsync($"/v1/conversations/{conversation}/read", new { }).ExpectJson(200, 204);
        summary = await bob.GetAsync("/v1/unread").ExpectJson(200, 204);
        Assert.Equal(0, summary.GetProperty("totalUnread").GetInt64());
        Assert.Equal(0, ByConversation(summary, conversation));
        Assert.Equal(0, await DetailUnreadAsync(bob, conversation));
        Assert.Equal(0, await ListedUnreadAsync(bob, conversation));
    }

    [Fact]
    public async Task Own_messages_never_count_as_unread()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        await tenant.SendAsync(alice, conversation, "mine 1");
        await tenant.SendAsync(alice, conversation, "mine 2");

        var summary = await alice.GetAsync("/v1/unread").ExpectJson(200, 204);
        Assert.Equal(0, summary.GetProperty("totalUnread").GetInt64());
        Assert.Equal(0, ByConversation(summary, conversation));
        Assert.Equal(0, await DetailUnreadAsync(alice, conversation));
        Assert.Equal(0, await ListedUnreadAsync(alice, conversation));

        await tenant.SendAsync(bob, conversation, "theirs");
        await tenant.SendAsync(alice, conversation, "mine 3");
        Assert.Equal(1, (await alice.GetAsync("/v1/unread").ExpectJson(200)).GetProperty("totalUnread").GetInt64());
        Assert.Equal(1, await DetailUnreadAsync(alice, conversation));
    }

    /// <summary>Both ways of counting: a few messages past the pointer read one by one, and many counted from indexes.</summary>
    [Theory]
    [InlineData(6)]
    [InlineData(ConversationStore.UnreadCountedOneByOneUpTo + 6)]
    public async Task Deleted_hidden_and_own_messages_past_the_read_pointer_do_not_count_and_none_counts_twice(int sentByAlice)
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var read = await tenant.SendAsync(alice, conversation, "read already");
        await bob.PostJsonAsync($"/v1/conversations/{conversation}/read", new { upToMessageId = read.Str("id") }).ExpectJson(200, 204);
        var fromAlice = new List<JsonElement>();
        for (var i = 0; i < sentByAlice; i++) fromAlice.Add(await tenant.SendAsync(alice, conversation, $"from alice {i}"));
        var ownDeleted = await tenant.SendAsync(bob, conversation, "mine, then deleted");
        var ownHidden = await tenant.SendAsync(bob, conversation, "mine, then hidden");
        await tenant.SendAsync(bob, conversation, "mine");
        var messages = $"/v1/conversations/{conversation}/messages";
        // System messages have no sender: one stays, one is deleted, one bob hides.
        var system = new List<JsonElement>();
        foreach (var text in new[] { "system, stays", "system, then deleted", "system, then hidden" })
            system.Add(await tenant.Backend.PostJsonAsync($"/server/v1{messages[3..]}", new { text }).ExpectJson(201));

        await alice.DeleteAsync($"{messages}/{fromAlice[0].Str("id")}").Expect(204);
        await bob.DeleteAsync($"{messages}/{fromAlice[1].Str("id")}?scope=me").Expect(204);
        await alice.DeleteAsync($"{messages}/{fromAlice[2].Str("id")}").Expect(204);
        await bob.DeleteAsync($"{messages}/{fromAlice[2].Str("id")}?scope=me").Expect(204);
        await bob.DeleteAsync($"{messages}/{ownDeleted.Str("id")}").Expect(204);
        await bob.DeleteAsync($"{messages}/{ownHidden.Str("id")}?scope=me").Expect(204);
        await alice.DeleteAsync($"{messages}/{system[1].Str("id")}").Expect(204);
        await bob.DeleteAsync($"{messages}/{system[2].Str("id")}?scope=me").Expect(204);

        // Alice's messages past bob's pointer, less one deleted, one hidden, and one both, and the system message that
        // stayed; bob's own never counted.
        Assert.Equal(sentByAlice - 2, (await bob.GetAsync("/v1/unread").ExpectJson(200)).GetProperty("totalUnread").GetInt64());
        Assert.Equal(sentByAlice - 2, await DetailUnreadAsync(bob, conversation));
        Assert.Equal(sentByAlice - 2, await ListedUnreadAsync(bob, conversation));

        await bob.PostJsonAsync($"/v1/conversations/{conversation}/read", new { upToMessageId = fromAlice[3].Str("id") }).ExpectJson(200, 204);
        Assert.Equal(sentByAlice - 3, (await bob.GetAsync("/v1/unread").ExpectJson(200)).GetProperty("totalUnread").GetInt64());
        Assert.Equal(sentByAlice - 3, await DetailUnreadAsync(bob, conversation));
    }

    [Fact]
    public async Task Total_unread_sums_every_conversation()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "carol");
        var (alice, bob, carol) = (clients[0], clients[1], clients[2]);
        var group = await tenant.CreateConversationAsync(alice, "group", "bob", "carol");
        var direct = await tenant.CreateConversationAsync(carol, "direct", "bob");
        var quiet = await tenant.CreateConversationAsync(bob, "group", "alice");
        await tenant.SendAsync(alice, group, "g1");
        await tenant.SendAsync(carol, group, "g2");
        await tenant.SendAsync(carol, direct, "d1");
        await tenant.SendAsync(bob, quiet, "own");

        var summary = await bob.GetAsync("/v1/unread").ExpectJson(200, 204);

        Assert.Equal(3, summary.GetProperty("totalUnread").GetInt64());
        Assert.Equal(2, ByConversation(summary, group));
        Assert.Equal(1, ByConversation(summary, direct));
        Assert.Equal(0, ByConversation(summary, quiet));
        Assert.Equal(summary.GetProperty("totalUnread").GetInt64(),
            summary.GetProperty("byConversation").EnumerateArray().Sum(c => c.GetProperty("unreadCount").GetInt64()));
    }

    [Fact]
    public async Task System_messages_count_as_unread_for_members()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");

        await tenant.Backend.PostJsonAsync($"/server/v1/conversations/{conversation}/messages", new { text = "Welcome!" }).ExpectJson(201);

        Assert.Equal(1, await DetailUnreadAsync(clients[0], conversation));
        Assert.Equal(1, await DetailUnreadAsync(clients[1], conversation));
    }

    [Fact]
    public async Task Unread_of_one_user_is_not_affected_by_anothers_read()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "carol");
        var (alice, bob, carol) = (clients[0], clients[1], clients[2]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob", "carol");
        await tenant.SendAsync(alice, conversation, "hello both");

        await bob.PostJsonAsync($"/v1/conversations/{conversation}/read", new { }).ExpectJson(200, 204);

        Assert.Equal(0, await DetailUnreadAsync(bob, conversation));
        Assert.Equal(1, await DetailUnreadAsync(carol, conversation));
    }

    [Fact]
    public async Task Unread_and_receipts_belong_to_one_tenant_only()
    {
        var tenant = await server.NewTenantAsync();
        var other = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var otherBob = await other.SessionAsync("bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        await tenant.SendAsync(clients[0], conversation, "hello");

        Assert.Equal(0, (await otherBob.GetAsync("/v1/unread").ExpectJson(200)).GetProperty("totalUnread").GetInt64());
        await otherBob.PostJsonAsync($"/v1/conversations/{conversation}/read", new { }).ExpectProblem(404);
        Assert.Equal(1, await DetailUnreadAsync(clients[1], conversation));
    }

    [Fact]
    public async Task Joining_a_conversation_does_not_make_its_earlier_history_unread()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "carol");
        var (alice, carol) = (clients[0], clients[2]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        for (var i = 0; i < 3; i++) await tenant.SendAsync(alice, conversation, $"before carol {i}");

        await alice.PostJsonAsync($"/v1/conversations/{conversation}/members", new { userIds = new List<string> { "carol" } }).ExpectJson(201);

        Assert.Equal(0, await DetailUnreadAsync(carol, conversation));
        Assert.Equal(0, (await carol.GetAsync("/v1/unread").ExpectJson(200)).GetProperty("totalUnread").GetInt64());

        await tenant.SendAsync(alice, conversation, "welcome carol");
        Assert.Equal(1, await DetailUnreadAsync(carol, conversation));
    }

    /// <summary>The conversation's count in /v1/unread; a conversation that is not listed has none.</summary>
    private static long ByConversation(JsonElement summary, string conversationId) =>
        summary.GetProperty("byConversation").EnumerateArray()
            .Where(c => c.Str("conversationId") == conversationId)
            .Select(c => c.GetProperty("unreadCount").GetInt64())
            .SingleOrDefault();

    private static async Task<long> DetailUnreadAsync(HttpClient client, string conversationId) =>
        (await client.GetAsync($"/v1/conversations/{conversationId}").ExpectJson(200)).GetProperty("unreadCount").GetInt64();

    private static async Task<long> ListedUnreadAsync(HttpClient client, string conversationId) =>
        (await client.GetAsync("/v1/conversations?limit=200").ExpectJson(200)).Items()
            .Single(c => c.Str("id") == conversationId).GetProperty("unreadCount").GetInt64();
}
