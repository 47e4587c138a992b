using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Receipts;

/// <summary>POST read/delivered with messageIds, upToMessageId or nothing; pointers move forward only; read-state lists every member.</summary>
public sealed class ReadPointerTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Reading_by_messageIds_moves_the_pointer_to_the_newest_named_message()
    {
        var (_, alice, bob, conversation, sent) = await GroupWithMessagesAsync(5);

        await bob.PostJsonAsync(Read(conversation), new { messageIds = Ids(sent[1], sent[3]) }).ExpectJson(200, 204);

        var state = await bob.GetAsync(ReadState(conversation)).ExpectJson(200);
        Assert.Equal(sent[3].Str("id"), state.StrOrNull("lastReadMessageId"));
        Assert.NotNull(state.StrOrNull("lastReadAt"));
        Assert.Equal(sent[3].Str("id"), Member(state, "bob").StrOrNull("lastReadMessageId"));
        Assert.Equal(1, await UnreadAsync(bob, conversation));
        Assert.Equal(sent[3].Str("id"), Member(await alice.GetAsync(ReadState(conversation)).ExpectJson(200), "bob").StrOrNull("lastReadMessageId"));
    }

    [Fact]
    public async Task Reading_up_to_a_message_marks_everything_before_it_read()
    {
        var (_, _, bob, conversation, sent) = await GroupWithMessagesAsync(6);

        await bob.PostJsonAsync(Read(conversation), new { upToMessageId = sent[3].Str("id") }).ExpectJson(200, 204);

        Assert.Equal(sent[3].Str("id"), (await bob.GetAsync(ReadState(conversation)).ExpectJson(200)).StrOrNull("lastReadMessageId"));
        Assert.Equal(2, await UnreadAsync(bob, conversation));
    }

    [Fact]
    public async Task Reading_with_an_empty_object_marks_everything_so_far()
    {
        var (tenant, alice, bob, conversation, sent) = await GroupWithMessagesAsync(4);

        await bob.PostJsonAsync(Read(conversation), new { }).ExpectJson(200, 204);

        Assert.Equal(sent[^1].Str("id"), (await bob.GetAsync(ReadState(conversation)).ExpectJson(200)).StrOrNull("lastReadMessageId"));
        Assert.Equal(0, await UnreadAsync(bob, conversation));

        await tenant.SendAsync(alice, conversation, "later");
        Assert.Equal(1, await UnreadAsync(bob, conversation));
        Assert.Equal(sent[^1].Str("id"), (await bob.GetAsync(ReadState(conversation)).ExpectJson(200)).StrOrNull("lastReadMessageId"));
    }

    [Fact]
    public async Task Reading_with_no_body_at_all_marks_everything_so_far()
    {
        var (_, _, bob, conversation, sent) = await GroupWithMessagesAsync(3);

        await bob.PostAsync(Read(conversation), null).ExpectJson(200, 204);

        Assert.Equal(sent[^1].Str("id"), (await bob.GetAsync(ReadState(conversation)).ExpectJson(200)).StrOrNull("lastReadMessageId"));
        Assert.Equal(0, await UnreadAsync(bob, conversation));
    }

    [Fact]
    public async Task Delivered_with_an_empty_body_moves_only_the_delivered_pointer()
    {
        var (_, _, bob, conversation, sent) = await GroupWithMessagesAsync(3);

        await bob.PostAsync(Delivered(conversation), null).ExpectJson(200, 204);

        var mine = Member(await bob.GetAsync(ReadState(conversation)).ExpectJson(200), "bob");
        Assert.Equal(sent[^1].Str("id"), mine.StrOrNull("lastDeliveredMessageId"));
        Assert.Null(mine.StrOrNull("lastReadMessageId"));
        Assert.Equal(3, await UnreadAsync(bob, conversation));
    }

    [Fact]
    public async Task Delivered_by_messageIds_and_upToMessageId_moves_the_delivered_pointer()
    {
        var (_, _, bob, conversation, sent) = await GroupWithMessagesAsync(5);

        await bob.PostJsonAsync(Delivered(conversation), new { messageIds = Ids(sent[1]) }).ExpectJson(200, 204);
        Assert.Equal(sent[1].Str("id"), Member(await bob.GetAsync(ReadState(conversation)).ExpectJson(200), "bob").StrOrNull("lastDeliveredMessageId"));

        await bob.PostJsonAsync(Delivered(conversation), new { upToMessageId = sent[3].Str("id") }).ExpectJson(200, 204);
        Assert.Equal(sent[3].Str("id"), Member(await bob.GetAsync(ReadState(conversation)).ExpectJson(200), "bob").StrOrNull("lastDeliveredMessageId"));
    }

    [Fact]
    public async Task Reading_a_message_also_marks_it_delivered()
    {
        var (_, _, bob, conversation, sent) = await GroupWithMessagesAsync(3);

        await bob.PostJsonAsync(Read(conversation), new { upToMessageId = sent[1].Str("id") }).ExpectJson(200, 204);

        Assert.Equal(sent[1].Str("id"), Member(await bob.GetAsync(ReadState(conversation)).ExpectJson(200), "bob").StrOrNull("lastDeliveredMessageId"));
    }

    [Fact]
    public async Task Reading_an_older_message_after_a_newer_one_changes_nothing()
    {
        var (tenant, _, bob, conversation, sent) = await GroupWithMessagesAsync(5);
        await bob.PostJsonAsync(Read(conversation), new { upToMessageId = sent[3].Str("id") }).ExpectJson(200, 204);
        var before = await bob.GetAsync(ReadState(conversation)).ExpectJson(200);
        var position = await server.LastPositionAsync(tenant.Id);

        await bob.PostJsonAsync(Read(conversation), new { messageIds = Ids(sent[1]) }).ExpectJson(200, 204);
        await bob.PostJsonAsync(Read(conversation), new { upToMessageId = sent[0].Str("id") }).ExpectJson(200, 204);

        var after = await bob.GetAsync(ReadState(conversation)).ExpectJson(200);
        Assert.Equal(sent[3].Str("id"), after.StrOrNull("lastReadMessageId"));
        Assert.Equal(before.StrOrNull("lastReadAt"), after.StrOrNull("lastReadAt"));
        Assert.Equal(1, await UnreadAsync(bob, conversation));
        Assert.Empty(await server.ReadAsync(tenant.Id, position));
    }

    [Fact]
    public async Task Delivered_never_moves_backwards_either()
    {
        var (_, _, bob, conversation, sent) = await GroupWithMessagesAsync(4);
        await bob.PostJsonAsync(Delivered(conversation), new { upToMessageId = sent[2].Str("id") }).ExpectJson(200, 204);

        await bob.PostJsonAsync(Delivered(conversation), new { upToMessageId = sent[0].Str("id") }).ExpectJson(200, 204);

        Assert.Equal(sent[2].Str("id"), Member(await bob.GetAsync(ReadState(conversation)).ExpectJson(200), "bob").StrOrNull("lastDeliveredMessageId"));
    }

    [Fact]
    public async Task Read_state_lists_every_member_including_those_who_have_read_nothing()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "carol");
        var (alice, bob, carol) = (clients[0], clients[1], clients[2]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob", "carol");
        var first = await tenant.SendAsync(alice, conversation, "one");
        var second = await tenant.SendAsync(alice, conversation, "two");
        await bob.PostJsonAsync(Read(conversation), new { upToMessageId = second.Str("id") }).ExpectJson(200, 204);
        await carol.PostJsonAsync(Delivered(conversation), new { upToMessageId = first.Str("id") }).ExpectJson(200, 204);

        foreach (var viewer in clients)
        {
            var state = await viewer.GetAsync(ReadState(conversation)).ExpectJson(200);
            var members = state.GetProperty("members").EnumerateArray().ToList();
            Assert.Equal(["alice", "bob", "carol"], members.Select(m => m.Str("userId")).Order(StringComparer.Ordinal));
            Assert.Equal(second.Str("id"), Member(state, "bob").StrOrNull("lastReadMessageId"));
            Assert.NotNull(Member(state, "bob").StrOrNull("lastReadAt"));
            Assert.Null(Member(state, "carol").StrOrNull("lastReadMessageId"));
            Assert.Null(Member(state, "carol").StrOrNull("lastReadAt"));
            Assert.Equal(first.Str("id"), Member(state, "carol").StrOrNull("lastDeliveredMessageId"));
        }
    }

    [Fact]
    public async Task Read_state_top_level_fields_are_the_callers_own()
    {
        var (_, alice, bob, conversation, sent) = await GroupWithMessagesAsync(3);
        await bob.PostJsonAsync(Read(conversation), new { upToMessageId = sent[1].Str("id") }).ExpectJson(200, 204);

        var bobsView = await bob.GetAsync(ReadState(conversation)).ExpectJson(200);
        var alicesView = await alice.GetAsync(ReadState(conversation)).ExpectJson(200);

        Assert.Equal(sent[1].Str("id"), bobsView.StrOrNull("lastReadMessageId"));
        Assert.Null(alicesView.StrOrNull("lastReadMessageId"));
    }

    [Fact]
    public async Task Receipts_naming_a_message_of_another_conversation_are_refused_and_change_nothing()
    {
        var (tenant, alice, bob, conversation, _) = await GroupWithMessagesAsync(2);
        var other = await tenant.CreateConversationAsync(alice, "direct", "bob");
        var foreign = await tenant.SendAsync(alice, other, "elsewhere");

        var byIds = await bob.PostJsonAsync(Read(conversation), new { messageIds = Ids(foreign) });
        Assert.True((int)byIds.StatusCode is 400 or 404, $"Expected 400 or 404 but got {(int)byIds.StatusCode}");
        var upTo = await bob.PostJsonAsync(Read(conversation), new { upToMessageId = "01JZZZZZZZZZZZZZZZZZZZZZZZ" });
        Assert.True((int)upTo.StatusCode is 400 or 404, $"Expected 400 or 404 but got {(int)upTo.StatusCode}");

        Assert.Null((await bob.GetAsync(ReadState(conversation)).ExpectJson(200)).StrOrNull("lastReadMessageId"));
        Assert.Equal(2, await UnreadAsync(bob, conversation));
    }

    [Fact]
    public async Task A_non_member_cannot_mark_or_see_read_state_of_a_private_group()
    {
        var (tenant, _, _, conversation, _) = await GroupWithMessagesAsync(1);
        var mallory = await tenant.SessionAsync("mallory");

        await mallory.PostJsonAsync(Read(conversation), new { }).ExpectProblem(404);
        await mallory.PostJsonAsync(Delivered(conversation), new { }).ExpectProblem(404);
        await mallory.GetAsync(ReadState(conversation)).ExpectProblem(404);
    }

    private static string Read(string conversationId) => $"/v1/conversations/{conversationId}/read";

    private static string Delivered(string conversationId) => $"/v1/conversations/{conversationId}/delivered";

    private static string ReadState(string conversationId) => $"/v1/conversations/{conversationId}/read-state";

    private static string[] Ids(params JsonElement[] messages) => messages.Select(m => m.Str("id")).ToArray();

    private static JsonElement Member(JsonElement readState, string userId) =>
        readState.GetProperty("members").EnumerateArray().Single(m => m.Str("userId") == userId);

    private static async Task<long> UnreadAsync(HttpClient client, string conversationId) =>
        (await client.GetAsync($"/v1/conversations/{conversationId}").ExpectJson(200)).GetProperty("unreadCount").GetInt64();

    /// <summary>A fresh tenant, alice and bob in a group, and <paramref name="count"/> messages from alice, oldest first.</summary>
    private async Task<(TestTenant Tenant, HttpClient Alice, HttpClient Bob, string Conversation, List<JsonElement> Sent)> GroupWithMessagesAsync(int count)
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        var sent = new List<JsonElement>();
        for (var i = 0; i < count; i++) sent.Add(await tenant.SendAsync(clients[0], conversation, $"message {i}"));
        return (tenant, clients[0], clients[1], conversation, sent);
    }
}
