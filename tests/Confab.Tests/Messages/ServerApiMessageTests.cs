using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Messages;

/// <summary>The tenant backend posts as the system or as any user, without membership checks.</summary>
public sealed class ServerApiMessageTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task The_backend_posts_a_system_message_without_a_sender()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        var before = await server.LastPositionAsync(tenant.Id);

        var posted = await tenant.Backend.PostJsonAsync($"/server/v1/conversations/{conversation}/messages", new { text = "Bob joined the team" }).ExpectJson(201);

        Assert.Equal("system", posted.Str("kind"));
        Assert.Equal("Bob joined the team", posted.Str("text"));
        Assert.True(!posted.TryGetProperty("sender", out var sender) || sender.ValueKind == JsonValueKind.Null, $"sender: {posted}");

        var seen = Assert.Single(await HistoryAsync(clients[1], conversation));
        Assert.Equal(posted.Str("id"), seen.Str("id"));
        Assert.Equal("system", seen.Str("kind"));
        Assert.True(!seen.TryGetProperty("sender", out var seenSender) || seenSender.ValueKind == JsonValueKind.Null);
        Assert.Single(await server.ReadAsync(tenant.Id, before), e => e.Type == "message.created" && e.ConversationId == conversation);
    }

    [Fact]
    public async Task The_backend_may_say_kind_system_explicitly()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");

        var posted = await tenant.Backend.PostJsonAsync($"/server/v1/conversations/{conversation}/messages",
            new { text = "Maintenance tonight", kind = "system" }).ExpectJson(201);

        Assert.Equal("system", posted.Str("kind"));
    }

    [Fact]
    public async Task The_backend_posts_as_a_user_who_is_not_a_member()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        await tenant.UpsertUserAsync("support", "Support bot");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");

        var posted = await tenant.Backend.PostJsonAsync($"/server/v1/conversations/{conversation}/messages",
            new { text = "How can we help?", senderId = "support" }).ExpectJson(201);

        Assert.Equal("text", posted.Str("kind"));
        Assert.Equal("support", posted.GetProperty("sender").Str("id"));
        var seen = Assert.Single(await HistoryAsync(clients[0], conversation));
        Assert.Equal("support", seen.GetProperty("sender").Str("id"));
        Assert.Equal("How can we help?", seen.Str("text"));
        var detail = await clients[0].GetAsync($"/v1/conversations/{conversation}").ExpectJson(200);
        Assert.DoesNotContain(detail.GetProperty("members").EnumerateArray(), m => m.GetProperty("user").Str("id") == "support");
    }

    [Fact]
    public async Task The_backend_posting_as_a_user_is_idempotent_on_clientMessageId()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        var url = $"/server/v1/conversations/{conversation}/messages";

        var first = await tenant.Backend.PostJsonAsync(url, new { text = "hi", senderId = "bob", clientMessageId = "srv-1" }).ExpectJson(201);
        var again = await tenant.Backend.PostJsonAsync(url, new { text = "hi", senderId = "bob", clientMessageId = "srv-1" }).ExpectJson(200);

        Assert.Equal(first.Str("id"), again.Str("id"));
        Assert.Single(await HistoryAsync(clients[0], conversation));
    }

    [Fact]
    public async Task A_retried_system_message_with_the_same_clientMessageId_is_not_duplicated()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        var url = $"/server/v1/conversations/{conversation}/messages";
        var position = await server.LastPositionAsync(tenant.Id);

        var first = await tenant.Backend.PostJsonAsync(url, new { text = "Order #7 shipped", clientMessageId = "order-7-shipped" }).ExpectJson(201);
        var retry = await tenant.Backend.PostJsonAsync(url, new { text = "Order #7 shipped", clientMessageId = "order-7-shipped" }).ExpectJson(200);

        Assert.Equal(first.Str("id"), retry.Str("id"));
        Assert.Single(await HistoryAsync(clients[0], conversation));
        Assert.Single(await server.ReadAsync(tenant.Id, position), e => e.Type == "message.created");
    }

    [Fact]
    public async Task The_backend_cannot_post_as_an_unknown_user_or_into_a_missing_conversation()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");

        var unknownSender = await tenant.Backend.PostJsonAsync($"/server/v1/conversations/{conversation}/messages", new { text = "x", senderId = "ghost" });
        Assert.True((int)unknownSender.StatusCode is 400 or 404, $"Expected 400 or 404 but got {(int)unknownSender.StatusCode}");
        await tenant.UpsertUserAsync("carol");
        await tenant.Backend.DeleteAsync("/server/v1/users/carol?messages=keep").Expect(204);
        await tenant.Backend.PostJsonAsync($"/server/v1/conversations/{conversation}/messages", new { text = "x", senderId = "carol" })
            .ExpectProblem(400, "USER_NOT_FOUND");
        await tenant.Backend.PostJsonAsync("/server/v1/conversations/01JZZZZZZZZZZZZZZZZZZZZZZZ/messages", new { text = "x" }).ExpectProblem(404);
        Assert.Empty(await HistoryAsync(clients[0], conversation));
    }

    [Fact]
    public async Task The_backend_cannot_reach_a_conversation_of_another_tenant()
    {
        var tenant = await server.NewTenantAsync();
        var other = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");

        await other.Backend.PostJsonAsync($"/server/v1/conversations/{conversation}/messages", new { text = "x" }).ExpectProblem(404);
        Assert.Empty(await HistoryAsync(clients[0], conversation));
    }

    [Fact]
    public async Task The_backend_acting_as_a_user_on_the_client_api_sends_under_that_users_rules()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "mallory");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        var asBob = server.ActingAs(tenant.ApiKey, "bob");
        var asMallory = server.ActingAs(tenant.ApiKey, "mallory");

        var sent = await asBob.PostJsonAsync($"/v1/conversations/{conversation}/messages", new { text = "sent by the backend for bob" }).ExpectJson(201);
        Assert.Equal("bob", sent.GetProperty("sender").Str("id"));
        Assert.Equal("text", sent.Str("kind"));

        await asMallory.PostJsonAsync($"/v1/conversations/{conversation}/messages", new { text = "not a member" }).ExpectProblem(404);
        var system = await asBob.PostJsonAsync($"/v1/conversations/{conversation}/messages", new { text = "fake", kind = "system" });
        Assert.True((int)system.StatusCode is 400 or 403, $"Expected 400 or 403 but got {(int)system.StatusCode}");
        Assert.Equal(sent.Str("id"), Assert.Single(await HistoryAsync(clients[0], conversation)).Str("id"));
    }

    [Fact]
    public async Task A_session_token_cannot_use_the_server_message_route()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");

        var response = await clients[0].PostJsonAsync($"/server/v1/conversations/{conversation}/messages", new { text = "fake system" });
        Assert.True((int)response.StatusCode is 401 or 403, $"Expected 401 or 403 but got {(int)response.StatusCode}");
        Assert.Empty(await HistoryAsync(clients[0], conversation));
    }

    [Fact]
    public async Task A_non_system_kind_without_a_sender_is_rejected()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");

        await tenant.Backend.PostJsonAsync($"/server/v1/conversations/{conversation}/messages", new { text = "x", kind = "text" }).ExpectProblem(400);
        Assert.Empty(await HistoryAsync(clients[0], conversation));
    }

    private static async Task<JsonElement[]> HistoryAsync(HttpClient client, string conversationId) =>
        (await client.GetAsync($"/v1/conversations/{conversationId}/messages?limit=200").ExpectJson(200)).Items();
}
