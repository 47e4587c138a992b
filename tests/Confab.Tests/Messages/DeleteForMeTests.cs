using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Messages;

/// <summary>Deleting with ?scope=me hides a message for the caller only.</summary>
public sealed class DeleteForMeTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task A_message_hidden_for_me_disappears_from_my_history_only()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var keep = await tenant.SendAsync(alice, conversation, "keep");
        var hide = await tenant.SendAsync(alice, conversation, "hide from bob");

        await bob.DeleteAsync($"{Url(conversation, hide)}?scope=me").Expect(204);

        Assert.Equal([keep.Str("id")], (await HistoryAsync(bob, conversation)).Select(m => m.Str("id")));
        var aliceSees = await HistoryAsync(alice, conversation);
        Assert.Equal([hide.Str("id"), keep.Str("id")], aliceSees.Select(m => m.Str("id")));
        Assert.Equal("hide from bob", aliceSees[0].Str("text"));
        Assert.Null(aliceSees[0].StrOrNull("deletedAt"));
    }

    [Fact]
    public async Task Hiding_is_allowed_for_others_messages_and_after_the_delete_window()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var fromAlice = await tenant.SendAsync(alice, conversation, "old news");
        var fromBob = await tenant.SendAsync(bob, conversation, "my old news");

        server.Clock.Advance(TimeSpan.FromHours(2));

        await bob.DeleteAsync($"{Url(conversation, fromAlice)}?scope=me").Expect(204);
        await bob.DeleteAsync($"{Url(conversation, fromBob)}?scope=me").Expect(204);
        Assert.Empty(await HistoryAsync(bob, conversation));
        Assert.Equal(2, (await HistoryAsync(alice, conversation)).Length);
    }

    [Fact]
    public async Task A_hidden_message_no_longer_counts_as_unread()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        await tenant.SendAsync(alice, conversation, "one");
        var hidden = await tenant.SendAsync(alice, conversation, "two");
        await tenant.SendAsync(alice, conversation, "three");
        Assert.Equal(3, await UnreadAsync(bob, conversation));

        await bob.DeleteAsync($"{Url(conversation, hidden)}?scope=me").Expect(204);

        Assert.Equal(2, await UnreadAsync(bob, conversation));
        var summary = await bob.GetAsync("/v1/unread").ExpectJson(200);
        Assert.Equal(2, summary.GetProperty("totalUnread").GetInt64());
        Assert.Equal(2, summary.GetProperty("byConversation").EnumerateArray().Single(c => c.Str("conversationId") == conversation).GetProperty("unreadCount").GetInt64());
    }

    [Fact]
    public async Task Hiding_tells_only_the_callers_own_devices()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        var hidden = await tenant.SendAsync(clients[0], conversation, "hide me");
        var position = await server.LastPositionAsync(tenant.Id);

        await clients[1].DeleteAsync($"{Url(conversation, hidden)}?scope=me").Expect(204);

        var events = await server.ReadAsync(tenant.Id, position);
        Assert.DoesNotContain(events, e => e.ConversationId == conversation);
        var deleted = Assert.Single(events, e => e.Type == "message.deleted");
        Assert.Equal("bob", deleted.UserId);
        Assert.Equal(hidden.Str("id"), JsonDocument.Parse(deleted.Payload).RootElement.Str("messageId"));
    }

    [Fact]
    public async Task A_hidden_message_is_not_found_for_the_caller_when_used_as_an_anchor_or_edited()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var alice = clients[0];
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var hidden = await tenant.SendAsync(alice, conversation, "hide my own");
        await alice.DeleteAsync($"{Url(conversation, hidden)}?scope=me").Expect(204);

        await alice.GetAsync($"/v1/conversations/{conversation}/messages?aroundId={hidden.Str("id")}").ExpectProblem(404);
        await alice.PatchJsonAsync(Url(conversation, hidden), new { text = "edit" }).ExpectProblem(404);
        Assert.Equal("hide my own", Assert.Single(await HistoryAsync(clients[1], conversation)).Str("text"));
    }

    [Fact]
    public async Task An_unknown_scope_is_rejected_and_deletes_nothing()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        var sent = await tenant.SendAsync(clients[0], conversation, "still here");

        await clients[0].DeleteAsync($"{Url(conversation, sent)}?scope=everyone-else").ExpectProblem(400);

        var message = Assert.Single(await HistoryAsync(clients[1], conversation));
        Assert.Null(message.StrOrNull("deletedAt"));
        Assert.Single(await HistoryAsync(clients[0], conversation));
    }

    [Fact]
    public async Task A_non_member_cannot_hide_a_message_of_a_private_group()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "mallory");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        var sent = await tenant.SendAsync(clients[0], conversation, "private");

        await clients[2].DeleteAsync($"{Url(conversation, sent)}?scope=me").ExpectProblem(404);
    }

    private static string Url(string conversationId, JsonElement message) => $"/v1/conversations/{conversationId}/messages/{message.Str("id")}";

    private static async Task<long> UnreadAsync(HttpClient client, string conversationId) =>
        (await client.GetAsync($"/v1/conversations/{conversationId}").ExpectJson(200)).GetProperty("unreadCount").GetInt64();

    private static async Task<JsonElement[]> HistoryAsync(HttpClient client, string conversationId) =>
        (await client.GetAsync($"/v1/conversations/{conversationId}/messages?limit=200").ExpectJson(200)).Items();
}
