using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Messages;

/// <summary>Editing: one's own messages only, within the tenant's edit window, never a deleted one.</summary>
public sealed class EditMessageTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task The_sender_edits_the_text_and_editedAt_is_set_for_everyone()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var sent = await tenant.SendAsync(alice, conversation, "helo");

        var edited = await alice.PatchJsonAsync(Url(conversation, sent), new { text = "hello" }).ExpectJson(200);

        Assert.Equal(sent.Str("id"), edited.Str("id"));
        Assert.Equal(sent.GetProperty("seq").GetInt64(), edited.GetProperty("seq").GetInt64());
        Assert.Equal("hello", edited.Str("text"));
        Assert.NotNull(edited.StrOrNull("editedAt"));
        Assert.Equal(sent.Str("createdAt"), edited.Str("createdAt"));

        var seenByBob = Assert.Single(await HistoryAsync(bob, conversation));
        Assert.Equal("hello", seenByBob.Str("text"));
        Assert.Equal(edited.Str("editedAt"), seenByBob.StrOrNull("editedAt"));
    }

    [Fact]
    public async Task An_edit_appends_a_message_updated_event_with_the_new_text()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var alice = clients[0];
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var sent = await tenant.SendAsync(alice, conversation, "draft");
        var before = await server.LastPositionAsync(tenant.Id);

        await alice.PatchJsonAsync(Url(conversation, sent), new { text = "final" }).ExpectJson(200);

        var updated = Assert.Single(await server.ReadAsync(tenant.Id, before), e => e.Type == "message.updated");
        Assert.Equal(conversation, updated.ConversationId);
        var payload = JsonDocument.Parse(updated.Payload).RootElement;
        Assert.Equal(sent.Str("id"), payload.Str("id"));
        Assert.Equal("final", payload.Str("text"));
        Assert.NotNull(payload.StrOrNull("editedAt"));
    }

    [Fact]
    public async Task Editing_someone_elses_message_is_403_NOT_MESSAGE_SENDER_even_for_the_owner()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var fromBob = await tenant.SendAsync(bob, conversation, "bob's words");
        var before = await server.LastPositionAsync(tenant.Id);

        await alice.PatchJsonAsync(Url(conversation, fromBob), new { text = "alice's words" }).ExpectProblem(403, "NOT_MESSAGE_SENDER");

        var unchanged = Assert.Single(await HistoryAsync(bob, conversation));
        Assert.Equal("bob's words", unchanged.Str("text"));
        Assert.Null(unchanged.StrOrNull("editedAt"));
        Assert.Empty(await server.ReadAsync(tenant.Id, before));
    }

    [Fact]
    public async Task A_system_message_cannot_be_edited_by_a_member()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        var system = await tenant.Backend.PostJsonAsync($"/server/v1/conversations/{conversation}/messages", new { text = "Welcome" }).ExpectJson(201);

        await clients[0].PatchJsonAsync(Url(conversation, system), new { text = "Hacked" }).ExpectProblem(403, "NOT_MESSAGE_SENDER");
        Assert.Equal("Welcome", Assert.Single(await HistoryAsync(clients[1], conversation)).Str("text"));
    }

    [Fact]
    public async Task With_an_edit_window_an_edit_after_it_is_403_EDIT_WINDOW_PASSED()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var alice = clients[0];
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { editWindowSeconds = 60 }).ExpectJson(200);
        var sent = await tenant.SendAsync(alice, conversation, "v1");

        server.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal("v2", (await alice.PatchJsonAsync(Url(conversation, sent), new { text = "v2" }).ExpectJson(200)).Str("text"));

        server.Clock.Advance(TimeSpan.FromSeconds(35));
        await alice.PatchJsonAsync(Url(conversation, sent), new { text = "v3" }).ExpectProblem(403, "EDIT_WINDOW_PASSED");
        Assert.Equal("v2", Assert.Single(await HistoryAsync(alice, conversation)).Str("text"));
    }

    [Fact]
    public async Task Widening_the_edit_window_takes_effect_at_once()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var alice = clients[0];
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { editWindowSeconds = 10 }).ExpectJson(200);
        var sent = await tenant.SendAsync(alice, conversation, "v1");
        server.Clock.Advance(TimeSpan.FromSeconds(20));
        await alice.PatchJsonAsync(Url(conversation, sent), new { text = "v2" }).ExpectProblem(403, "EDIT_WINDOW_PASSED");

        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { editWindowSeconds = 0 }).ExpectJson(200);

        Assert.Equal("v2", (await alice.PatchJsonAsync(Url(conversation, sent), new { text = "v2" }).ExpectJson(200)).Str("text"));
    }

    [Fact]
    public async Task By_default_there_is_no_edit_window()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        var sent = await tenant.SendAsync(clients[0], conversation, "old");
        Assert.Equal(0, (await tenant.Backend.GetAsync("/server/v1/settings").ExpectJson(200)).GetProperty("editWindowSeconds").GetInt32());

        server.Clock.Advance(TimeSpan.FromHours(20));

        Assert.Equal("still editable", (await clients[0].PatchJsonAsync(Url(conversation, sent), new { text = "still editable" }).ExpectJson(200)).Str("text"));
    }

    [Fact]
    public async Task Editing_a_deleted_message_is_409()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var alice = clients[0];
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var sent = await tenant.SendAsync(alice, conversation, "to be deleted");
        await alice.DeleteAsync(Url(conversation, sent)).Expect(204);

        await alice.PatchJsonAsync(Url(conversation, sent), new { text = "resurrected" }).ExpectProblem(409, "MESSAGE_DELETED");

        var tombstone = Assert.Single(await HistoryAsync(alice, conversation));
        Assert.Null(tombstone.StrOrNull("text"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(null)]
    public async Task An_edit_to_empty_text_is_rejected(string? text)
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        var sent = await tenant.SendAsync(clients[0], conversation, "keep me");

        await clients[0].PatchJsonAsync(Url(conversation, sent), new { text }).ExpectProblem(400);
        Assert.Equal("keep me", Assert.Single(await HistoryAsync(clients[0], conversation)).Str("text"));
    }

    [Fact]
    public async Task An_edit_longer_than_maxMessageLength_is_rejected()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        var sent = await tenant.SendAsync(clients[0], conversation, "short");
        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { maxMessageLength = 8 }).ExpectJson(200);

        await clients[0].PatchJsonAsync(Url(conversation, sent), new { text = "much too long" }).ExpectProblem(400);
        Assert.Equal("short", Assert.Single(await HistoryAsync(clients[0], conversation)).Str("text"));
    }

    [Fact]
    public async Task Editing_through_the_wrong_conversation_or_an_unknown_id_is_404()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var alice = clients[0];
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var direct = await tenant.CreateConversationAsync(alice, "direct", "bob");
        var sent = await tenant.SendAsync(alice, group, "in the group");

        await alice.PatchJsonAsync(Url(direct, sent), new { text = "x" }).ExpectProblem(404);
        await alice.PatchJsonAsync($"/v1/conversations/{group}/messages/01JZZZZZZZZZZZZZZZZZZZZZZZ", new { text = "x" }).ExpectProblem(404);
        Assert.Equal("in the group", Assert.Single(await HistoryAsync(alice, group)).Str("text"));
    }

    [Fact]
    public async Task A_former_member_cannot_edit_their_message()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var sent = await tenant.SendAsync(bob, conversation, "bob was here");
        await bob.DeleteAsync($"/v1/conversations/{conversation}/members/bob").Expect(204);

        await bob.PatchJsonAsync(Url(conversation, sent), new { text = "rewritten" }).ExpectProblem(404);
        Assert.Equal("bob was here", Assert.Single(await HistoryAsync(alice, conversation)).Str("text"));
    }

    private static string Url(string conversationId, JsonElement message) => $"/v1/conversations/{conversationId}/messages/{message.Str("id")}";

    private static async Task<JsonElement[]> HistoryAsync(HttpClient client, string conversationId) =>
        (await client.GetAsync($"/v1/conversations/{conversationId}/messages?limit=200").ExpectJson(200)).Items();
}
