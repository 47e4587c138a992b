using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Messages;

/// <summary>Replies embed the message they answer, one level deep, never nested further.</summary>
public sealed class ReplyTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task A_reply_embeds_the_message_it_answers()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var question = await tenant.SendAsync(alice, conversation, "Lunch?");

        var reply = await ReplyAsync(bob, conversation, "Yes!", question.Str("id")).ExpectJson(201);

        Assert.Equal(question.Str("id"), reply.Str("replyToId"));
        var embedded = reply.GetProperty("replyTo");
        Assert.Equal(question.Str("id"), embedded.Str("id"));
        Assert.Equal("Lunch?", embedded.Str("text"));
        Assert.Equal("alice", embedded.GetProperty("sender").Str("id"));

        var inHistory = (await HistoryAsync(alice, conversation)).Single(m => m.Str("id") == reply.Str("id"));
        Assert.Equal(question.Str("id"), inHistory.GetProperty("replyTo").Str("id"));
        Assert.Equal("Lunch?", inHistory.GetProperty("replyTo").Str("text"));
    }

    [Fact]
    public async Task The_senders_answer_marks_which_reactions_on_the_quoted_message_are_theirs()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var question = await tenant.SendAsync(alice, conversation, "Lunch?");
        await bob.PostJsonAsync($"/v1/conversations/{conversation}/messages/{question.Str("id")}/reactions", new { emoji = "👍" }).ExpectJson(200, 201);
        await alice.PostJsonAsync($"/v1/conversations/{conversation}/messages/{question.Str("id")}/reactions", new { emoji = "🎉" }).ExpectJson(200, 201);

        var reply = await ReplyAsync(bob, conversation, "Yes!", question.Str("id")).ExpectJson(201);

        var reactions = reply.GetProperty("replyTo").GetProperty("reactions").EnumerateArray().ToDictionary(r => r.Str("emoji"), r => r.GetProperty("reactedByMe").GetBoolean());
        Assert.Equal(new Dictionary<string, bool> { ["👍"] = true, ["🎉"] = false }, reactions);
    }

    [Fact]
    public async Task A_reply_to_a_reply_embeds_only_one_level()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var first = await tenant.SendAsync(alice, conversation, "first");
        var second = await ReplyAsync(bob, conversation, "second", first.Str("id")).ExpectJson(201);

        var third = await ReplyAsync(alice, conversation, "third", second.Str("id")).ExpectJson(201);

        foreach (var message in new[] { third, (await HistoryAsync(bob, conversation)).Single(m => m.Str("id") == third.Str("id")) })
        {
            var embedded = message.GetProperty("replyTo");
            Assert.Equal(second.Str("id"), embedded.Str("id"));
            Assert.Equal("second", embedded.Str("text"));
            Assert.Equal(first.Str("id"), embedded.StrOrNull("replyToId"));
            Assert.True(!embedded.TryGetProperty("replyTo", out var nested) || nested.ValueKind == JsonValueKind.Null,
                $"replyTo is nested: {embedded}");
        }
    }

    [Fact]
    public async Task A_reply_to_a_message_of_another_conversation_is_rejected()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var alice = clients[0];
        var here = await tenant.CreateConversationAsync(alice, "group", "bob");
        var elsewhere = await tenant.CreateConversationAsync(alice, "direct", "bob");
        var foreign = await tenant.SendAsync(alice, elsewhere, "not here");

        await ReplyAsync(alice, here, "reply", foreign.Str("id")).ExpectProblem(400, "INVALID_REPLY");
        await ReplyAsync(alice, here, "reply", "01JZZZZZZZZZZZZZZZZZZZZZZZ").ExpectProblem(400, "INVALID_REPLY");
        await ReplyAsync(alice, here, "reply", "no such id").ExpectProblem(400, "INVALID_REPLY");
        Assert.Empty(await HistoryAsync(alice, here));
    }

    [Fact]
    public async Task A_reply_to_a_deleted_message_embeds_the_tombstone_without_its_text()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var original = await tenant.SendAsync(alice, conversation, "secret plan");
        var reply = await ReplyAsync(bob, conversation, "great plan", original.Str("id")).ExpectJson(201);

        await alice.DeleteAsync($"/v1/conversations/{conversation}/messages/{original.Str("id")}").Expect(204);

        var embedded = (await HistoryAsync(bob, conversation)).Single(m => m.Str("id") == reply.Str("id")).GetProperty("replyTo");
        Assert.Equal(original.Str("id"), embedded.Str("id"));
        Assert.NotNull(embedded.StrOrNull("deletedAt"));
        Assert.Null(embedded.StrOrNull("text"));
    }

    private static Task<HttpResponseMessage> ReplyAsync(HttpClient client, string conversationId, string text, string replyToId) =>
        client.PostJsonAsync($"/v1/conversations/{conversationId}/messages", new { text, replyToId });

    private static async Task<JsonElement[]> HistoryAsync(HttpClient client, string conversationId) =>
        (await client.GetAsync($"/v1/conversations/{conversationId}/messages?limit=200").ExpectJson(200)).Items();
}
