using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Messages;

/// <summary>Messages name uploaded attachments by ID; an ID that names nothing is refused.</summary>
public sealed class MessageAttachmentTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Theory]
    [InlineData("{\"text\":\"see file\",\"attachments\":[\"01JZZZZZZZZZZZZZZZZZZZZZZZ\"]}")]
    [InlineData("{\"text\":\"see file\",\"attachments\":[{\"id\":\"01JZZZZZZZZZZZZZZZZZZZZZZZ\"}]}")]
    [InlineData("{\"kind\":\"media\",\"attachments\":[\"01JZZZZZZZZZZZZZZZZZZZZZZZ\"]}")]
    [InlineData("{\"text\":\"see file\",\"attachments\":[\"not-even-an-id\"]}")]
    public async Task An_attachment_id_that_does_not_exist_is_400_ATTACHMENT_NOT_FOUND(string body)
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");
        var position = await server.LastPositionAsync(tenant.Id);

        await clients[0].SendRawAsync(HttpMethod.Post, $"/v1/conversations/{conversation}/messages", body).ExpectProblem(400, "ATTACHMENT_NOT_FOUND");

        Assert.Empty(await HistoryAsync(clients[0], conversation));
        Assert.Empty(await server.ReadAsync(tenant.Id, position));
    }

    [Fact]
    public async Task An_attachment_that_is_neither_an_id_nor_an_object_with_an_id_is_rejected()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var conversation = await tenant.CreateConversationAsync(clients[0], "group", "bob");

        await clients[0].SendRawAsync(HttpMethod.Post, $"/v1/conversations/{conversation}/messages",
            "{\"text\":\"x\",\"attachments\":[42]}").ExpectProblem(400);
        await clients[0].SendRawAsync(HttpMethod.Post, $"/v1/conversations/{conversation}/messages",
            "{\"text\":\"x\",\"attachments\":[{\"url\":\"http://example.com/a.png\"}]}").ExpectProblem(400);
        Assert.Empty(await HistoryAsync(clients[0], conversation));
    }

    private static async Task<JsonElement[]> HistoryAsync(HttpClient client, string conversationId) =>
        (await client.GetAsync($"/v1/conversations/{conversationId}/messages?limit=200").ExpectJson(200)).Items();
}
