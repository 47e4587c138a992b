using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Messages;

public sealed class MentionNotificationTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Each_mentioned_member_but_the_sender_gets_a_notification_on_its_own_stream()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("alice", "Alice");
        await tenant.UpsertUserAsync("bob");
        await tenant.UpsertUserAsync("carol");
        await tenant.UpsertUserAsync("dan");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob", "carol", "dan");
        var position = await server.LastPositionAsync(tenant.Id);

        var sent = await alice.PostJsonAsync($"/v1/conversations/{group}/messages",
            new { text = "@bob @carol please review", mentions = Ids("bob", "carol", "alice") }).ExpectJson(201);

        var notifications = (await server.ReadAsync(tenant.Id, position)).Where(e => e.Type == "notification").ToList();
        Assert.Equal(["bob", "carol"], notifications.Select(e => e.UserId).Order(StringComparer.Ordinal));
        Assert.All(notifications, e => Assert.Null(e.ConversationId));
        var payload = JsonDocument.Parse(notifications[0].Payload).RootElement;
        Assert.Equal(("mention", group, sent.Str("id"), "alice", false), (payload.Str("kind"), payload.Str("conversationId"), payload.Str("messageId"),
            payload.GetProperty("actor").Str("id"), payload.GetProperty("read").GetBoolean()));
        Assert.Equal("Alice mentioned you", payload.Str("title"));
        Assert.Equal("@bob @carol please review", payload.Str("body"));
    }

    [Fact]
    public async Task A_mentioned_user_receives_the_notification_on_its_socket_and_the_others_do_not()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var group = await tenant.CreateConversationAsync(alice, "group");
        foreach (var id in Ids("bob", "carol")) await tenant.UpsertUserAsync(id);
        await alice.PostJsonAsync($"/v1/conversations/{group}/members", new { userIds = Ids("bob", "carol") }).ExpectJson(201);
        var (bob, bobSeq) = await TestSocket.ConnectReadyAsync(server, await tenant.TokenAsync("bob"));
        var (carol, carolSeq) = await TestSocket.ConnectReadyAsync(server, await tenant.TokenAsync("carol"));
        await using var _ = bob;
        await using var __ = carol;
        await bob.AckedAsync("resume", new { since = bobSeq });
        await carol.AckedAsync("resume", new { since = carolSeq });

        var sent = await alice.PostJsonAsync($"/v1/conversations/{group}/messages", new { text = "@bob", mentions = Ids("bob") }).ExpectJson(201);

        var notification = await bob.NextAsync("notification");
        Assert.Equal(sent.Str("id"), notification.GetProperty("payload").Str("messageId"));
        Assert.True(notification.GetProperty("seq").GetInt64() > bobSeq);
        await carol.NextAsync(f => f.Str("type") == "message.created");
        Assert.DoesNotContain(await carol.DrainAsync(TimeSpan.FromMilliseconds(300)), f => f.Str("type") == "notification");
    }

    [Fact]
    public async Task Conversations_count_unread_mentions_until_read()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        await alice.PostJsonAsync($"/v1/conversations/{group}/messages", new { text = "@bob one", mentions = Ids("bob") }).ExpectJson(201);
        await alice.PostJsonAsync($"/v1/conversations/{group}/messages", new { text = "no mention" }).ExpectJson(201);
        await alice.PostJsonAsync($"/v1/conversations/{group}/messages", new { text = "@bob two", mentions = Ids("bob") }).ExpectJson(201);
        await bob.PostJsonAsync($"/v1/conversations/{group}/messages", new { text = "@bob myself", mentions = Ids("bob") }).ExpectJson(201);

        var listed = (await bob.GetAsync("/v1/conversations").ExpectJson(200)).Items().Single();
        Assert.Equal((3L, 2L), (listed.GetProperty("unreadCount").GetInt64(), listed.GetProperty("unreadMentionCount").GetInt64()));
        var detail = await bob.GetAsync($"/v1/conversations/{group}").ExpectJson(200);
        Assert.Equal(2, detail.GetProperty("unreadMentionCount").GetInt64());
        Assert.Equal(0, (await alice.GetAsync($"/v1/conversations/{group}").ExpectJson(200)).GetProperty("unreadMentionCount").GetInt64());

        await bob.PostAsync($"/v1/conversations/{group}/read", null).ExpectJson(200);
        Assert.Equal(0, (await bob.GetAsync("/v1/conversations").ExpectJson(200)).Items().Single().GetProperty("unreadMentionCount").GetInt64());
    }

    private static string[] Ids(params string[] ids) => ids;
}
