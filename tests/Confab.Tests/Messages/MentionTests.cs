using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Messages;

/// <summary>Mentions name members of the conversation; anyone else is refused.</summary>
public sealed class MentionTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Mentioning_members_stores_the_mentions()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "carol");
        var alice = clients[0];
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob", "carol");

        var sent = await alice.PostJsonAsync($"/v1/conversations/{conversation}/messages",
            new { text = "@bob @carol look", mentions = Ids("bob", "carol") }).ExpectJson(201);

        Assert.Equal(["bob", "carol"], Mentions(sent).Order(StringComparer.Ordinal));
        var seenByCarol = Assert.Single(await HistoryAsync(clients[2], conversation));
        Assert.Equal(["bob", "carol"], Mentions(seenByCarol).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Mentioning_a_user_who_is_not_a_member_is_rejected_with_INVALID_MENTION()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "zed");
        var alice = clients[0];
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");

        await alice.PostJsonAsync($"/v1/conversations/{conversation}/messages",
            new { text = "@zed", mentions = Ids("zed") }).ExpectProblem(400, "INVALID_MENTION");
        await alice.PostJsonAsync($"/v1/conversations/{conversation}/messages",
            new { text = "@bob @zed", mentions = Ids("bob", "zed") }).ExpectProblem(400, "INVALID_MENTION");
        await alice.PostJsonAsync($"/v1/conversations/{conversation}/messages",
            new { text = "@ghost", mentions = Ids("ghost") }).ExpectProblem(400, "INVALID_MENTION");

        Assert.Empty(await HistoryAsync(alice, conversation));
    }

    [Fact]
    public async Task A_mention_that_is_not_a_valid_user_id_is_rejected()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var alice = clients[0];
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");

        await alice.PostJsonAsync($"/v1/conversations/{conversation}/messages",
            new { text = "x", mentions = Ids("not a valid id!") }).ExpectProblem(400);
        await alice.SendRawAsync(HttpMethod.Post, $"/v1/conversations/{conversation}/messages",
            "{\"text\":\"x\",\"mentions\":[null]}").ExpectProblem(400);
        Assert.Empty(await HistoryAsync(alice, conversation));
    }

    [Fact]
    public async Task A_member_who_left_can_no_longer_be_mentioned()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "carol");
        var alice = clients[0];
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob", "carol");
        await clients[2].DeleteAsync($"/v1/conversations/{conversation}/members/carol").Expect(204);

        await alice.PostJsonAsync($"/v1/conversations/{conversation}/messages",
            new { text = "@carol", mentions = Ids("carol") }).ExpectProblem(400, "INVALID_MENTION");
    }

    private static string[] Ids(params string[] ids) => ids;

    private static IEnumerable<string> Mentions(JsonElement message) =>
        message.GetProperty("mentions").EnumerateArray().Select(m => m.GetString()!);

    private static async Task<JsonElement[]> HistoryAsync(HttpClient client, string conversationId) =>
        (await client.GetAsync($"/v1/conversations/{conversationId}/messages?limit=200").ExpectJson(200)).Items();
}
