using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Messages;

/// <summary>Forwarding a message into another conversation the caller can post in.</summary>
public sealed class ForwardMessageTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task A_forwarded_message_names_its_original_sender_conversation_and_message()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "carol");
        var (alice, bob, carol) = (clients[0], clients[1], clients[2]);
        var source = await tenant.CreateConversationAsync(alice, "group", "bob");
        var target = await tenant.CreateConversationAsync(alice, "group", "carol");
        var original = await tenant.SendAsync(bob, source, "worth sharing");

        var forwarded = await Forward(alice, source, original, new { targetConversationId = target }).ExpectJson(201);

        Assert.NotEqual(original.Str("id"), forwarded.Str("id"));
        Assert.Equal(target, forwarded.Str("conversationId"));
        Assert.Equal("alice", forwarded.GetProperty("sender").Str("id"));
        Assert.Equal("worth sharing", forwarded.Str("text"));
        Assert.Equal("bob", forwarded.GetProperty("forwardedFrom").Str("id"));
        Assert.Equal(source, forwarded.Str("forwardedFromConversationId"));
        Assert.Equal(original.Str("id"), forwarded.Str("forwardedFromMessageId"));

        var seenByCarol = Assert.Single(await HistoryAsync(carol, target));
        Assert.Equal(forwarded.Str("id"), seenByCarol.Str("id"));
        Assert.Equal("bob", seenByCarol.GetProperty("forwardedFrom").Str("id"));
        Assert.Single(await HistoryAsync(alice, source));
    }

    [Fact]
    public async Task A_forward_appends_a_message_created_event_to_the_target()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "carol");
        var source = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        var target = await tenant.CreateConversationAsync(clients[0], "group", "carol");
        var original = await tenant.SendAsync(clients[1], source, "news");
        var position = await server.LastPositionAsync(tenant.Id);

        var forwarded = await Forward(clients[0], source, original, new { targetConversationId = target }).ExpectJson(201);

        var created = Assert.Single(await server.ReadAsync(tenant.Id, position), e => e.Type == "message.created");
        Assert.Equal(target, created.ConversationId);
        Assert.Equal(forwarded.Str("id"), JsonDocument.Parse(created.Payload).RootElement.Str("id"));
    }

    [Fact]
    public async Task A_comment_is_posted_as_a_separate_message_just_before_the_forward()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "carol");
        var (alice, bob, carol) = (clients[0], clients[1], clients[2]);
        var source = await tenant.CreateConversationAsync(alice, "group", "bob");
        var target = await tenant.CreateConversationAsync(alice, "group", "carol");
        var original = await tenant.SendAsync(bob, source, "the original");

        var forwarded = await Forward(alice, source, original, new { targetConversationId = target, comment = "look at this" }).ExpectJson(201);

        var history = await HistoryAsync(carol, target);
        Assert.Equal(2, history.Length);
        Assert.Equal(forwarded.Str("id"), history[0].Str("id"));
        var comment = history[1];
        Assert.Equal("look at this", comment.Str("text"));
        Assert.Equal("alice", comment.GetProperty("sender").Str("id"));
        Assert.True(!comment.TryGetProperty("forwardedFrom", out var from) || from.ValueKind == JsonValueKind.Null);
        Assert.Equal(comment.GetProperty("seq").GetInt64() + 1, forwarded.GetProperty("seq").GetInt64());
        Assert.Equal("the original", history[0].Str("text"));

        // The conversation's newest seq moved past both, so the next message follows them.
        var next = await tenant.SendAsync(carol, target, "after the forward");
        Assert.Equal(forwarded.GetProperty("seq").GetInt64() + 1, next.GetProperty("seq").GetInt64());
    }

    [Fact]
    public async Task Forwarding_a_forwarded_message_keeps_the_first_origin()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "carol");
        var (alice, bob, carol) = (clients[0], clients[1], clients[2]);
        var first = await tenant.CreateConversationAsync(bob, "group", "alice");
        var second = await tenant.CreateConversationAsync(alice, "group", "carol");
        var third = await tenant.CreateConversationAsync(carol, "direct", "bob");
        var original = await tenant.SendAsync(bob, first, "origin");
        var once = await Forward(alice, first, original, new { targetConversationId = second }).ExpectJson(201);

        var twice = await Forward(carol, second, once, new { targetConversationId = third }).ExpectJson(201);

        Assert.Equal("carol", twice.GetProperty("sender").Str("id"));
        Assert.Equal("bob", twice.GetProperty("forwardedFrom").Str("id"));
        Assert.Equal(first, twice.Str("forwardedFromConversationId"));
        Assert.Equal(original.Str("id"), twice.Str("forwardedFromMessageId"));
    }

    [Fact]
    public async Task Forwarding_into_a_conversation_the_caller_is_not_in_is_404()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "carol");
        var (alice, bob, carol) = (clients[0], clients[1], clients[2]);
        var source = await tenant.CreateConversationAsync(alice, "group", "bob");
        var elsewhere = await tenant.CreateConversationAsync(carol, "group", "bob");
        var original = await tenant.SendAsync(alice, source, "psst");

        await Forward(alice, source, original, new { targetConversationId = elsewhere }).ExpectProblem(404);
        await Forward(alice, source, original, new { targetConversationId = "01JZZZZZZZZZZZZZZZZZZZZZZZ" }).ExpectProblem(404);

        Assert.Empty(await HistoryAsync(carol, elsewhere));
        Assert.Empty(await HistoryAsync(bob, elsewhere));
    }

    [Fact]
    public async Task Forwarding_into_a_public_channel_the_caller_has_not_joined_is_403_NOT_A_MEMBER()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "carol");
        var source = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        var channel = (await clients[2].PostJsonAsync("/v1/conversations",
            new { type = "channel", participantIds = Array.Empty<string>(), title = "Public", publicUsername = "public_room" }).ExpectJson(201)).Str("id");
        var original = await tenant.SendAsync(clients[0], source, "hello channel");

        await Forward(clients[0], source, original, new { targetConversationId = channel }).ExpectProblem(403, "NOT_A_MEMBER");
        Assert.Empty(await HistoryAsync(clients[2], channel));
    }

    [Fact]
    public async Task Forwarding_from_a_conversation_the_caller_is_not_in_is_404()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "mallory");
        var source = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        var target = await tenant.CreateConversationAsync(clients[2], "group", "bob");
        var original = await tenant.SendAsync(clients[0], source, "private");

        await Forward(clients[2], source, original, new { targetConversationId = target }).ExpectProblem(404);
        Assert.Empty(await HistoryAsync(clients[2], target));
    }

    [Fact]
    public async Task Forwarding_a_deleted_message_is_409()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "carol");
        var alice = clients[0];
        var source = await tenant.CreateConversationAsync(alice, "group", "bob");
        var target = await tenant.CreateConversationAsync(alice, "group", "carol");
        var original = await tenant.SendAsync(clients[1], source, "gone soon");
        await clients[1].DeleteAsync($"/v1/conversations/{source}/messages/{original.Str("id")}").Expect(204);

        await Forward(alice, source, original, new { targetConversationId = target, comment = "see this" }).ExpectProblem(409, "MESSAGE_DELETED");
        Assert.Empty(await HistoryAsync(alice, target));
    }

    [Fact]
    public async Task Forwarding_without_a_target_is_rejected()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var source = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        var original = await tenant.SendAsync(clients[0], source, "where to?");

        await Forward(clients[0], source, original, new { comment = "nowhere" }).ExpectProblem(400);
        Assert.Single(await HistoryAsync(clients[0], source));
    }

    [Fact]
    public async Task A_comment_longer_than_maxMessageLength_is_rejected_and_nothing_is_posted()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "carol");
        var source = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        var target = await tenant.CreateConversationAsync(clients[0], "group", "carol");
        var original = await tenant.SendAsync(clients[1], source, "short");
        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { maxMessageLength = 10 }).ExpectJson(200);

        await Forward(clients[0], source, original, new { targetConversationId = target, comment = "a comment that is too long" }).ExpectProblem(400);
        Assert.Empty(await HistoryAsync(clients[0], target));
    }

    private static Task<HttpResponseMessage> Forward(HttpClient client, string conversationId, JsonElement message, object body) =>
        client.PostJsonAsync($"/v1/conversations/{conversationId}/messages/{message.Str("id")}/forward", body);

    private static async Task<JsonElement[]> HistoryAsync(HttpClient client, string conversationId) =>
        (await client.GetAsync($"/v1/conversations/{conversationId}/messages?limit=200").ExpectJson(200)).Items();
}
