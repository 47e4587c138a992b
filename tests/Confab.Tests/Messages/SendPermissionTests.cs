using System.Globalization;
using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Messages;

/// <summary>Who may post, from stored state: read-only channels, muted members, public channel readers.</summary>
public sealed class SendPermissionTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task A_read_only_channel_refuses_members_without_manage_messages_but_not_the_owner()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var channel = (await alice.PostJsonAsync("/v1/conversations",
            new { type = "channel", participantIds = Ids("bob"), title = "Announcements", readOnly = true }).ExpectJson(201)).Str("id");

        await bob.PostJsonAsync($"/v1/conversations/{channel}/messages", new { text = "can I talk?" }).ExpectProblem(403, "READ_ONLY");
        var announcement = await tenant.SendAsync(alice, channel, "Only I talk here");

        Assert.Equal(announcement.Str("id"), Assert.Single(await HistoryAsync(bob, channel)).Str("id"));
    }

    [Fact]
    public async Task A_read_only_channel_also_refuses_forwards_from_plain_members()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var channel = (await alice.PostJsonAsync("/v1/conversations",
            new { type = "channel", participantIds = Ids("bob"), title = "Announcements", readOnly = true }).ExpectJson(201)).Str("id");
        var direct = await tenant.CreateConversationAsync(alice, "direct", "bob");
        var original = await tenant.SendAsync(alice, direct, "sneak this in");

        await bob.PostJsonAsync($"/v1/conversations/{direct}/messages/{original.Str("id")}/forward", new { targetConversationId = channel })
            .ExpectProblem(403, "READ_ONLY");
        Assert.Empty(await HistoryAsync(alice, channel));
    }

    [Fact]
    public async Task A_muted_member_cannot_post_until_the_mute_ends()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob");
        var (alice, bob) = (clients[0], clients[1]);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var until = server.Clock.GetUtcNow().AddMinutes(10).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        await alice.PatchJsonAsync($"/v1/conversations/{conversation}/members/bob", new { mutedUntil = until }).ExpectJson(200);

        await bob.PostJsonAsync($"/v1/conversations/{conversation}/messages", new { text = "hello?" }).ExpectProblem(403, "MEMBER_MUTED");
        Assert.Empty(await HistoryAsync(alice, conversation));

        server.Clock.Advance(TimeSpan.FromMinutes(11));

        await tenant.SendAsync(bob, conversation, "I'm back");
        Assert.Single(await HistoryAsync(alice, conversation));
    }

    [Fact]
    public async Task Anyone_in_the_tenant_can_read_a_public_channel_without_joining()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "reader");
        var channel = (await clients[0].PostJsonAsync("/v1/conversations",
            new { type = "channel", participantIds = Array.Empty<string>(), title = "Town square", publicUsername = "town_square" }).ExpectJson(201)).Str("id");
        var sent = await tenant.SendAsync(clients[0], channel, "welcome, everyone");

        var history = await HistoryAsync(clients[1], channel);

        Assert.Equal(sent.Str("id"), Assert.Single(history).Str("id"));
    }

    [Fact]
    public async Task A_channel_without_a_public_username_is_private()
    {
        var tenant = await server.NewTenantAsync();
        var clients = await tenant.SessionsAsync("alice", "bob", "outsider");
        var channel = (await clients[0].PostJsonAsync("/v1/conversations",
            new { type = "channel", participantIds = Ids("bob"), title = "Private channel" }).ExpectJson(201)).Str("id");
        await tenant.SendAsync(clients[0], channel, "members only");

        await clients[2].GetAsync($"/v1/conversations/{channel}/messages").ExpectProblem(404);
        await clients[2].PostJsonAsync($"/v1/conversations/{channel}/messages", new { text = "hi" }).ExpectProblem(404);
    }

    private static string[] Ids(params string[] ids) => ids;

    private static async Task<JsonElement[]> HistoryAsync(HttpClient client, string conversationId) =>
        (await client.GetAsync($"/v1/conversations/{conversationId}/messages?limit=200").ExpectJson(200)).Items();
}
