using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Messages;

/// <summary>Deleting for everyone: one's own within the delete window, anything with manage_messages; a tombstone stays.</summary>
public sealed class DeleteForEveryoneTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task The_sender_deletes_and_a_tombstone_stays_in_history_for_everyone()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var before = await tenant.SendAsync(bob, conversation, "before");
        var doomed = await alice.PostJsonAsync($"/v1/conversations/{conversation}/messages",
            new { text = "oops", mentions = Ids("bob"), metadata = new { secret = "s3cr3t" } }).ExpectJson(201);
        var after = await tenant.SendAsync(bob, conversation, "after");

        await alice.DeleteAsync(Url(conversation, doomed)).Expect(204);

        foreach (var viewer in new[] { alice, bob })
        {
            var history = await HistoryAsync(viewer, conversation);
            Assert.Equal([after.Str("id"), doomed.Str("id"), before.Str("id")], history.Select(m => m.Str("id")));
            var tombstone = history[1];
            Assert.NotNull(tombstone.StrOrNull("deletedAt"));
            Assert.Null(tombstone.StrOrNull("text"));
            Assert.Empty(tombstone.GetProperty("attachments").EnumerateArray());
            Assert.Empty(tombstone.GetProperty("reactions").EnumerateArray());
            Assert.Equal(doomed.GetProperty("seq").GetInt64(), tombstone.GetProperty("seq").GetInt64());
            Assert.DoesNotContain("s3cr3t", tombstone.GetRawText(), StringComparison.Ordinal);
            Assert.DoesNotContain("oops", tombstone.GetRawText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_delete_appends_a_message_deleted_event_to_the_conversation()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var alice = clients[0];
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var doomed = await tenant.SendAsync(alice, conversation, "oops");
        var position = await server.LastPositionAsync(tenant.Id);

        await alice.DeleteAsync(Url(conversation, doomed)).Expect(204);

        var deleted = Assert.Single(await server.ReadAsync(tenant.Id, position), e => e.Type == "message.deleted");
        Assert.Equal(conversation, deleted.ConversationId);
        var payload = JsonDocument.Parse(deleted.Payload).RootElement;
        Assert.Equal(conversation, payload.Str("conversationId"));
        Assert.Equal(doomed.Str("id"), payload.Str("messageId"));
    }

    [Fact]
    public async Task The_sender_may_delete_within_the_default_1800_second_window()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        var sent = await tenant.SendAsync(clients[1], conversation, "quick regret");

        server.Clock.Advance(TimeSpan.FromSeconds(1700));

        await clients[1].DeleteAsync(Url(conversation, sent)).Expect(204);
        Assert.NotNull(Assert.Single(await HistoryAsync(clients[0], conversation)).StrOrNull("deletedAt"));
    }

    [Fact]
    public async Task After_the_default_1800_second_window_the_sender_gets_403_DELETE_WINDOW_PASSED()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var sent = await tenant.SendAsync(bob, conversation, "too late to regret");
        var settings = await tenant.Backend.GetAsync("/server/v1/settings").ExpectJson(200);
        Assert.Equal(1800, settings.GetProperty("deleteWindowSeconds").GetInt32());

        server.Clock.Advance(TimeSpan.FromSeconds(1801));
        var position = await server.LastPositionAsync(tenant.Id);

        await bob.DeleteAsync(Url(conversation, sent)).ExpectProblem(403, "DELETE_WINDOW_PASSED");
        var still = Assert.Single(await HistoryAsync(alice, conversation));
        Assert.Equal("too late to regret", still.Str("text"));
        Assert.Null(still.StrOrNull("deletedAt"));
        Assert.Empty(await server.ReadAsync(tenant.Id, position));
    }

    [Fact]
    public async Task A_shorter_delete_window_set_by_the_tenant_applies()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { deleteWindowSeconds = 60 }).ExpectJson(200);
        var sent = await tenant.SendAsync(clients[1], conversation, "short-lived regret");

        server.Clock.Advance(TimeSpan.FromSeconds(61));

        await clients[1].DeleteAsync(Url(conversation, sent)).ExpectProblem(403, "DELETE_WINDOW_PASSED");
    }

    [Fact]
    public async Task The_group_owner_deletes_any_message_regardless_of_the_window()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var fromBob = await tenant.SendAsync(bob, conversation, "spam");

        server.Clock.Advance(TimeSpan.FromHours(3));

        await alice.DeleteAsync(Url(conversation, fromBob)).Expect(204);
        var tombstone = Assert.Single(await HistoryAsync(bob, conversation));
        Assert.NotNull(tombstone.StrOrNull("deletedAt"));
        Assert.Null(tombstone.StrOrNull("text"));
    }

    [Fact]
    public async Task A_moderator_deletes_others_messages_but_a_plain_member_cannot()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "carol");
        var (alice, bob, carol) = (clients[0], clients[1], clients[2]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob", "carol");
        var fromAlice = await tenant.SendAsync(alice, conversation, "owner's message");
        var fromCarol = await tenant.SendAsync(carol, conversation, "carol's message");

        await bob.DeleteAsync(Url(conversation, fromCarol)).ExpectProblem(403, "NOT_MESSAGE_SENDER");
        await bob.DeleteAsync(Url(conversation, fromAlice)).ExpectProblem(403, "NOT_MESSAGE_SENDER");
        Assert.All(await HistoryAsync(alice, conversation), m => Assert.Null(m.StrOrNull("deletedAt")));

        await alice.PatchJsonAsync($"/v1/conversations/{conversation}/members/bob", new { role = "moderator" }).ExpectJson(200);
        await bob.DeleteAsync(Url(conversation, fromCarol)).Expect(204);
        var tombstone = (await HistoryAsync(carol, conversation)).Single(m => m.Str("id") == fromCarol.Str("id"));
        Assert.NotNull(tombstone.StrOrNull("deletedAt"));
    }

    [Fact]
    public async Task A_member_without_manage_messages_cannot_delete_others_messages_in_a_direct_conversation()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "direct", "bob");
        var fromAlice = await tenant.SendAsync(clients[0], conversation, "mine");

        await clients[1].DeleteAsync(Url(conversation, fromAlice)).ExpectProblem(403, "NOT_MESSAGE_SENDER");
        Assert.Equal("mine", Assert.Single(await HistoryAsync(clients[0], conversation)).Str("text"));
    }

    [Fact]
    public async Task A_non_member_cannot_delete_and_an_unknown_message_is_404()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "mallory");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        var sent = await tenant.SendAsync(clients[0], conversation, "hands off");

        await clients[2].DeleteAsync(Url(conversation, sent)).ExpectProblem(404);
        await clients[0].DeleteAsync($"/v1/conversations/{conversation}/messages/01JZZZZZZZZZZZZZZZZZZZZZZZ").ExpectProblem(404);
        Assert.Null(Assert.Single(await HistoryAsync(clients[0], conversation)).StrOrNull("deletedAt"));
    }

    [Fact]
    public async Task A_deleted_message_no_longer_counts_as_unread()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        await tenant.SendAsync(clients[0], conversation, "one");
        var doomed = await tenant.SendAsync(clients[0], conversation, "two");
        Assert.Equal(2, (await clients[1].GetAsync($"/v1/conversations/{conversation}").ExpectJson(200)).GetProperty("unreadCount").GetInt64());

        await clients[0].DeleteAsync(Url(conversation, doomed)).Expect(204);

        Assert.Equal(1, (await clients[1].GetAsync($"/v1/conversations/{conversation}").ExpectJson(200)).GetProperty("unreadCount").GetInt64());
    }

    private static string[] Ids(params string[] ids) => ids;

    private static string Url(string conversationId, JsonElement message) => $"/v1/conversations/{conversationId}/messages/{message.Str("id")}";

    private static async Task<JsonElement[]> HistoryAsync(HttpClient client, string conversationId) =>
        (await client.GetAsync($"/v1/conversations/{conversationId}/messages?limit=200").ExpectJson(200)).Items();
}
