using System.Text.Json;
using Confab.Server.Messages;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Receipts;

/// <summary>The sender's own messages carry status (sent, delivered, read) and per-member deliveredTo/readBy.</summary>
public sealed class MessageStatusTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Status_goes_from_sent_to_delivered_to_read_with_the_readers_entries()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "direct", "bob");
        var sent = await tenant.SendAsync(alice, conversation, "are you there?");

        Assert.Equal("sent", sent.StrOrNull("status"));
        var mine = await OwnAsync(alice, conversation, sent);
        Assert.Equal("sent", mine.StrOrNull("status"));
        Assert.Empty(Entries(mine, "deliveredTo"));
        Assert.Empty(Entries(mine, "readBy"));

        await bob.PostJsonAsync($"/v1/conversations/{conversation}/delivered", new { messageIds = Ids(sent.Str("id")) }).ExpectJson(200, 204);
        mine = await OwnAsync(alice, conversation, sent);
        Assert.Equal("delivered", mine.StrOrNull("status"));
        var delivered = Assert.Single(Entries(mine, "deliveredTo"));
        Assert.Equal("bob", delivered.Str("userId"));
        Assert.Equal("delivered", delivered.Str("status"));
        Assert.Equal(conversation, delivered.Str("conversationId"));
        Assert.Contains(sent.Str("id"), delivered.GetProperty("messageIds").EnumerateArray().Select(i => i.GetString()));
        Assert.NotNull(delivered.StrOrNull("at"));
        Assert.Empty(Entries(mine, "readBy"));

        await bob.PostJsonAsync($"/v1/conversations/{conversation}/read", new { messageIds = Ids(sent.Str("id")) }).ExpectJson(200, 204);
        mine = await OwnAsync(alice, conversation, sent);
        Assert.Equal("read", mine.StrOrNull("status"));
        var read = Assert.Single(Entries(mine, "readBy"));
        Assert.Equal("bob", read.Str("userId"));
        Assert.Equal("read", read.Str("status"));
        Assert.Contains(sent.Str("id"), read.GetProperty("messageIds").EnumerateArray().Select(i => i.GetString()));
        Assert.Equal("bob", Assert.Single(Entries(mine, "deliveredTo")).Str("userId"));
    }

    [Fact]
    public async Task Reading_a_later_message_marks_earlier_own_messages_read()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "direct", "bob");
        var first = await tenant.SendAsync(alice, conversation, "first");
        var second = await tenant.SendAsync(alice, conversation, "second");
        var third = await tenant.SendAsync(alice, conversation, "third");

        await bob.PostJsonAsync($"/v1/conversations/{conversation}/read", new { upToMessageId = second.Str("id") }).ExpectJson(200, 204);

        Assert.Equal("read", (await OwnAsync(alice, conversation, first)).StrOrNull("status"));
        Assert.Equal("read", (await OwnAsync(alice, conversation, second)).StrOrNull("status"));
        Assert.Equal("bob", Assert.Single(Entries(await OwnAsync(alice, conversation, first), "readBy")).Str("userId"));
        var unreadYet = await OwnAsync(alice, conversation, third);
        Assert.Equal("sent", unreadYet.StrOrNull("status"));
        Assert.Empty(Entries(unreadYet, "readBy"));
    }

    [Fact]
    public async Task In_a_group_readBy_has_one_entry_per_reader_and_status_is_read_once_all_have_read()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "carol");
        var (alice, bob, carol) = (clients[0], clients[1], clients[2]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob", "carol");
        var sent = await tenant.SendAsync(alice, conversation, "team update");

        await bob.PostJsonAsync($"/v1/conversations/{conversation}/read", new { }).ExpectJson(200, 204);
        var mine = await OwnAsync(alice, conversation, sent);
        Assert.Equal(["bob"], Entries(mine, "readBy").Select(e => e.Str("userId")));

        await carol.PostJsonAsync($"/v1/conversations/{conversation}/read", new { }).ExpectJson(200, 204);
        mine = await OwnAsync(alice, conversation, sent);
        Assert.Equal("read", mine.StrOrNull("status"));
        Assert.Equal(["bob", "carol"], Entries(mine, "readBy").Select(e => e.Str("userId")).Order(StringComparer.Ordinal));
        Assert.Equal(["bob", "carol"], Entries(mine, "deliveredTo").Select(e => e.Str("userId")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Other_members_see_no_status_on_messages_they_did_not_send()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "direct", "bob");
        var sent = await tenant.SendAsync(alice, conversation, "hi");
        await bob.PostJsonAsync($"/v1/conversations/{conversation}/read", new { }).ExpectJson(200, 204);

        var seenByBob = await OwnAsync(bob, conversation, sent);

        Assert.Null(seenByBob.StrOrNull("status"));
        Assert.Empty(Entries(seenByBob, "readBy"));
        Assert.Empty(Entries(seenByBob, "deliveredTo"));
    }

    [Fact]
    public async Task The_senders_own_read_does_not_make_the_message_read()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var alice = clients[0];
        var conversation = await tenant.CreateConversationAsync(alice, "direct", "bob");
        var sent = await tenant.SendAsync(alice, conversation, "talking to myself");

        await alice.PostJsonAsync($"/v1/conversations/{conversation}/read", new { }).ExpectJson(200, 204);

        var mine = await OwnAsync(alice, conversation, sent);
        Assert.Equal("sent", mine.StrOrNull("status"));
        Assert.Empty(Entries(mine, "readBy"));
    }

    [Fact]
    public async Task A_read_message_stays_read_when_a_new_member_joins_later()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "carol");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var sent = await tenant.SendAsync(alice, conversation, "read by everyone here");
        await bob.PostJsonAsync($"/v1/conversations/{conversation}/read", new { }).ExpectJson(200, 204);
        Assert.Equal("read", (await OwnAsync(alice, conversation, sent)).StrOrNull("status"));

        await alice.PostJsonAsync($"/v1/conversations/{conversation}/members", new { userIds = new List<string> { "carol" } }).ExpectJson(201);

        var mine = await OwnAsync(alice, conversation, sent);
        Assert.Equal("read", mine.StrOrNull("status"));
        Assert.Equal(["bob"], Entries(mine, "readBy").Select(e => e.Str("userId")));
    }

    [Theory]
    [InlineData(MessageViews.ReceiptDetailMemberLimit, true)]
    [InlineData(MessageViews.ReceiptDetailMemberLimit + 1, false)]
    public async Task Own_messages_name_their_readers_only_where_at_most_the_limit_of_others_could_read_them(int others, bool named)
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var fillers = Enumerable.Range(1, others - 1).Select(i => $"member{i}").ToArray();
        foreach (var filler in fillers) await tenant.UpsertUserAsync(filler);
        var conversation = await tenant.CreateConversationAsync(alice, "group", ["bob", .. fillers]);
        var sent = await tenant.SendAsync(alice, conversation, "to everyone");
        // The send's answer is the sender's own view: nobody has the message yet, and its receipt lists are there
        // (empty) only where they could name readers.
        Assert.Equal("sent", sent.StrOrNull("status"));
        Assert.Equal(named, sent.TryGetProperty("readBy", out var readBy) && readBy.ValueKind == JsonValueKind.Array);
        // The same for a forward into the conversation, for the tenant's backend sending as a member, and as a user
        // who is not one (one more other member).
        var forwarded = await alice.PostJsonAsync($"/v1/conversations/{conversation}/messages/{sent.Str("id")}/forward",
            new { targetConversationId = conversation }).ExpectJson(201);
        Assert.Equal(named, forwarded.TryGetProperty("readBy", out var forwardedReadBy) && forwardedReadBy.ValueKind == JsonValueKind.Array);
        var asMember = await tenant.Backend.PostJsonAsync($"/server/v1/conversations/{conversation}/messages", new { text = "from the backend", senderId = "alice" }).ExpectJson(201);
        Assert.Equal(named, asMember.TryGetProperty("readBy", out var memberReadBy) && memberReadBy.ValueKind == JsonValueKind.Array);
        await tenant.UpsertUserAsync("outsider");
        var asOutsider = await tenant.Backend.PostJsonAsync($"/server/v1/conversations/{conversation}/messages", new { text = "from outside", senderId = "outsider" }).ExpectJson(201);
        Assert.Equal(others + 1 <= MessageViews.ReceiptDetailMemberLimit, asOutsider.TryGetProperty("readBy", out var outsiderReadBy) && outsiderReadBy.ValueKind == JsonValueKind.Array);

        await bob.PostJsonAsync($"/v1/conversations/{conversation}/read", new { messageIds = Ids(sent.Str("id")) }).ExpectJson(200, 204);

        var mine = await OwnAsync(alice, conversation, sent);
        Assert.Equal("sent", mine.StrOrNull("status"));
        Assert.Equal(named ? ["bob"] : [], Entries(mine, "readBy").Select(e => e.Str("userId")));
    }

    [Fact]
    public async Task The_conversation_list_gives_each_own_last_message_the_status_of_its_own_conversation()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "carol");
        var (alice, bob, carol) = (clients[0], clients[1], clients[2]);
        var withBob = await tenant.CreateConversationAsync(alice, "direct", "bob");
        var withCarol = await tenant.CreateConversationAsync(alice, "direct", "carol");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob", "carol");
        await tenant.SendAsync(alice, withBob, "read by bob");
        await tenant.SendAsync(alice, withCarol, "delivered to carol");
        await tenant.SendAsync(alice, group, "nobody has it yet");
        await bob.PostJsonAsync($"/v1/conversations/{withBob}/read", new { }).ExpectJson(200, 204);
        await carol.PostJsonAsync($"/v1/conversations/{withCarol}/delivered", new { }).ExpectJson(200, 204);

        // The list builds the three last messages together, so their receipts are read for three conversations at once.
        var lastMessages = (await alice.GetAsync("/v1/conversations").ExpectJson(200)).Items()
            .ToDictionary(c => c.Str("id"), c => c.GetProperty("lastMessage"));

        Assert.Equal("read", lastMessages[withBob].StrOrNull("status"));
        Assert.Equal(["bob"], Entries(lastMessages[withBob], "readBy").Select(e => e.Str("userId")));
        Assert.Equal("delivered", lastMessages[withCarol].StrOrNull("status"));
        Assert.Equal(["carol"], Entries(lastMessages[withCarol], "deliveredTo").Select(e => e.Str("userId")));
        Assert.Empty(Entries(lastMessages[withCarol], "readBy"));
        Assert.Equal("sent", lastMessages[group].StrOrNull("status"));
        Assert.Empty(Entries(lastMessages[group], "deliveredTo"));
    }

    private static string[] Ids(params string[] ids) => ids;

    /// <summary>A receipt list, empty when absent.</summary>
    private static JsonElement[] Entries(JsonElement message, string property) =>
        message.TryGetProperty(property, out var list) && list.ValueKind == JsonValueKind.Array ? list.EnumerateArray().ToArray() : [];

    private static async Task<JsonElement> OwnAsync(HttpClient client, string conversationId, JsonElement message) =>
        (await client.GetAsync($"/v1/conversations/{conversationId}/messages?limit=200").ExpectJson(200)).Items().Single(m => m.Str("id") == message.Str("id"));
}
