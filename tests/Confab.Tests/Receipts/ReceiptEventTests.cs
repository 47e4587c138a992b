using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Receipts;

/// <summary>Each pointer move appends message.receipt for the conversation and, for reads, unread.updated for the reader.</summary>
public sealed class ReceiptEventTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task A_read_appends_message_receipt_naming_the_messages_it_covers()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var first = await tenant.SendAsync(alice, conversation, "one");
        var second = await tenant.SendAsync(alice, conversation, "two");
        var third = await tenant.SendAsync(alice, conversation, "three");
        var position = await server.LastPositionAsync(tenant.Id);

        await bob.PostJsonAsync($"/v1/conversations/{conversation}/read", new { upToMessageId = second.Str("id") }).ExpectJson(200, 204);

        var events = await server.ReadAsync(tenant.Id, position);
        var receipt = Assert.Single(events, e => e.Type == "message.receipt");
        Assert.Equal(conversation, receipt.ConversationId);
        var payload = JsonDocument.Parse(receipt.Payload).RootElement;
        Assert.Equal(conversation, payload.Str("conversationId"));
        Assert.Equal("bob", payload.Str("userId"));
        Assert.Equal("read", payload.Str("status"));
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", payload.Str("at"));
        Assert.Equal([first.Str("id"), second.Str("id")], MessageIds(payload).Order(StringComparer.Ordinal));

        position = await server.LastPositionAsync(tenant.Id);
        await bob.PostJsonAsync($"/v1/conversations/{conversation}/read", new { }).ExpectJson(200, 204);
        var next = Assert.Single(await server.ReadAsync(tenant.Id, position), e => e.Type == "message.receipt");
        Assert.Equal([third.Str("id")], MessageIds(JsonDocument.Parse(next.Payload).RootElement));
    }

    [Fact]
    public async Task A_read_appends_unread_updated_for_the_reader_with_the_new_counts()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "carol");
        var (alice, bob, carol) = (clients[0], clients[1], clients[2]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var direct = await tenant.CreateConversationAsync(carol, "direct", "bob");
        var first = await tenant.SendAsync(alice, conversation, "one");
        await tenant.SendAsync(alice, conversation, "two");
        await tenant.SendAsync(carol, direct, "from carol");
        var position = await server.LastPositionAsync(tenant.Id);

        await bob.PostJsonAsync($"/v1/conversations/{conversation}/read", new { upToMessageId = first.Str("id") }).ExpectJson(200, 204);

        var unread = Assert.Single(await server.ReadAsync(tenant.Id, position), e => e.Type == "unread.updated");
        Assert.Equal("bob", unread.UserId);
        var payload = JsonDocument.Parse(unread.Payload).RootElement;
        Assert.Equal(conversation, payload.Str("conversationId"));
        Assert.Equal(1, payload.GetProperty("unreadCount").GetInt64());
        Assert.Equal(2, payload.GetProperty("totalUnread").GetInt64());
    }

    [Fact]
    public async Task A_delivered_mark_appends_message_receipt_with_status_delivered()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "direct", "bob");
        var sent = await tenant.SendAsync(clients[0], conversation, "knock knock");
        var position = await server.LastPositionAsync(tenant.Id);

        await clients[1].PostJsonAsync($"/v1/conversations/{conversation}/delivered", new { }).ExpectJson(200, 204);

        var events = await server.ReadAsync(tenant.Id, position);
        var receipt = Assert.Single(events, e => e.Type == "message.receipt");
        var payload = JsonDocument.Parse(receipt.Payload).RootElement;
        Assert.Equal("delivered", payload.Str("status"));
        Assert.Equal("bob", payload.Str("userId"));
        Assert.Equal([sent.Str("id")], MessageIds(payload));
        Assert.DoesNotContain(events, e => e.Type == "unread.updated");
    }

    [Fact]
    public async Task A_receipt_names_only_others_messages()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var fromAlice = await tenant.SendAsync(alice, conversation, "from alice");
        await tenant.SendAsync(bob, conversation, "from bob");
        var position = await server.LastPositionAsync(tenant.Id);

        await bob.PostJsonAsync($"/v1/conversations/{conversation}/read", new { }).ExpectJson(200, 204);

        var receipt = Assert.Single(await server.ReadAsync(tenant.Id, position), e => e.Type == "message.receipt");
        Assert.Equal([fromAlice.Str("id")], MessageIds(JsonDocument.Parse(receipt.Payload).RootElement));
    }

    [Fact]
    public async Task A_mark_that_moves_nothing_appends_no_event()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        await tenant.SendAsync(clients[0], conversation, "one");
        await clients[1].PostJsonAsync($"/v1/conversations/{conversation}/read", new { }).ExpectJson(200, 204);
        var position = await server.LastPositionAsync(tenant.Id);

        await clients[1].PostJsonAsync($"/v1/conversations/{conversation}/read", new { }).ExpectJson(200, 204);
        await clients[1].PostJsonAsync($"/v1/conversations/{conversation}/delivered", new { }).ExpectJson(200, 204);

        Assert.Empty(await server.ReadAsync(tenant.Id, position));
    }

    private static IEnumerable<string> MessageIds(JsonElement receipt) =>
        receipt.GetProperty("messageIds").EnumerateArray().Select(i => i.GetString()!);
}
