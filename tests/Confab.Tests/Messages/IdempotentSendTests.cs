using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Messages;

/// <summary>Sending is idempotent on (sender, conversation, clientMessageId).</summary>
public sealed class IdempotentSendTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Resending_the_same_clientMessageId_returns_the_original_with_200_and_no_duplicate()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var alice = clients[0];
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var before = await server.LastPositionAsync(tenant.Id);

        var first = await Send(alice, conversation, "hello", "cm-1").ExpectJson(201);
        var again = await Send(alice, conversation, "hello", "cm-1").ExpectJson(200);

        Assert.Equal(first.Str("id"), again.Str("id"));
        Assert.Equal(first.GetProperty("seq").GetInt64(), again.GetProperty("seq").GetInt64());
        Assert.Equal("hello", again.Str("text"));
        Assert.Equal("cm-1", again.Str("clientMessageId"));
        Assert.Equal(first.Str("createdAt"), again.Str("createdAt"));

        var history = await HistoryAsync(clients[1], conversation);
        Assert.Equal(first.Str("id"), Assert.Single(history).Str("id"));
        var created = (await server.ReadAsync(tenant.Id, before)).Where(e => e.Type == "message.created").ToList();
        Assert.Equal(first.Str("id"), JsonDocument.Parse(Assert.Single(created).Payload).RootElement.Str("id"));
    }

    [Fact]
    public async Task A_retry_with_different_content_still_returns_the_original_unchanged()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var alice = clients[0];
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");

        var first = await Send(alice, conversation, "original", "cm-2").ExpectJson(201);
        var again = await Send(alice, conversation, "changed on retry", "cm-2").ExpectJson(200);

        Assert.Equal(first.Str("id"), again.Str("id"));
        Assert.Equal("original", again.Str("text"));
        Assert.Equal("original", Assert.Single(await HistoryAsync(alice, conversation)).Str("text"));
    }

    [Fact]
    public async Task Ten_concurrent_sends_with_one_clientMessageId_create_exactly_one_message()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var alice = clients[0];
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var before = await server.LastPositionAsync(tenant.Id);

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Send(alice, conversation, "once", "cm-race")));
        var bodies = new List<JsonElement>();
        foreach (var response in responses)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode is 200 or 201, $"Expected 200 or 201 but got {(int)response.StatusCode}: {text}");
            bodies.Add(JsonDocument.Parse(text).RootElement.Clone());
        }

        Assert.Single(responses, r => (int)r.StatusCode == 201);
        Assert.Single(bodies.Select(b => b.Str("id")).Distinct());
        Assert.Single(await HistoryAsync(alice, conversation));
        Assert.Single(await server.ReadAsync(tenant.Id, before), e => e.Type == "message.created");
    }

    [Fact]
    public async Task Another_sender_with_the_same_clientMessageId_gets_its_own_message()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");

        var fromAlice = await Send(alice, conversation, "from alice", "shared-id").ExpectJson(201);
        var fromBob = await Send(bob, conversation, "from bob", "shared-id").ExpectJson(201);

        Assert.NotEqual(fromAlice.Str("id"), fromBob.Str("id"));
        Assert.Equal("bob", fromBob.GetProperty("sender").Str("id"));
        Assert.Equal("from bob", fromBob.Str("text"));
        Assert.Equal(2, (await HistoryAsync(alice, conversation)).Length);
    }

    [Fact]
    public async Task The_same_clientMessageId_in_another_conversation_creates_a_new_message()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var alice = clients[0];
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var direct = await tenant.CreateConversationAsync(alice, "direct", "bob");

        var inGroup = await Send(alice, group, "one", "cm-3").ExpectJson(201);
        var inDirect = await Send(alice, direct, "two", "cm-3").ExpectJson(201);

        Assert.NotEqual(inGroup.Str("id"), inDirect.Str("id"));
        Assert.Equal(direct, inDirect.Str("conversationId"));
        Assert.Single(await HistoryAsync(alice, group));
        Assert.Single(await HistoryAsync(alice, direct));
    }

    [Fact]
    public async Task Two_devices_of_one_user_sending_the_same_clientMessageId_share_one_message()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.SessionAsync("bob");
        var phone = await tenant.SessionAsync("alice");
        var laptop = await tenant.SessionAsync("alice");
        var conversation = await tenant.CreateConversationAsync(phone, "group", "bob");

        var first = await Send(phone, conversation, "hi", "cm-device").ExpectJson(201);
        var second = await Send(laptop, conversation, "hi", "cm-device").ExpectJson(200);

        Assert.Equal(first.Str("id"), second.Str("id"));
        Assert.Single(await HistoryAsync(laptop, conversation));
    }

    [Fact]
    public async Task A_clientMessageId_longer_than_128_characters_is_rejected()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");

        await Send(clients[0], conversation, "x", new string('c', 129)).ExpectProblem(400);
        await Send(clients[0], conversation, "x", new string('c', 128)).ExpectJson(201);
        Assert.Single(await HistoryAsync(clients[0], conversation));
    }

    [Fact]
    public async Task Messages_without_clientMessageId_are_never_deduplicated()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var alice = clients[0];
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");

        await Send(alice, conversation, "same", null).ExpectJson(201);
        await Send(alice, conversation, "same", null).ExpectJson(201);

        Assert.Equal(2, (await HistoryAsync(alice, conversation)).Length);
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, string conversationId, string text, string? clientMessageId) =>
        client.PostJsonAsync($"/v1/conversations/{conversationId}/messages", new { text, clientMessageId });

    private static async Task<JsonElement[]> HistoryAsync(HttpClient client, string conversationId) =>
        (await client.GetAsync($"/v1/conversations/{conversationId}/messages?limit=200").ExpectJson(200)).Items();
}
