using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Messages;

/// <summary>Sending a message: its shape, its order, and who may send it.</summary>
public sealed class SendMessageTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    private const string TimestampPattern = @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$";

    [Fact]
    public async Task A_text_message_is_created_with_its_sender_and_appears_in_history()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = await Pair(tenant);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");

        var sent = await alice.PostJsonAsync($"/v1/conversations/{conversation}/messages", new { text = "Hello, Bob" }).ExpectJson(201);

        Assert.Matches("^[A-Za-z0-9_-]+$", sent.Str("id"));
        Assert.Equal(conversation, sent.Str("conversationId"));
        Assert.Equal("text", sent.Str("kind"));
        Assert.Equal("Hello, Bob", sent.Str("text"));
        Assert.Equal("alice", sent.GetProperty("sender").Str("id"));
        Assert.True(sent.GetProperty("seq").GetInt64() > 0);
        Assert.Empty(sent.GetProperty("attachments").EnumerateArray());
        Assert.Empty(sent.GetProperty("mentions").EnumerateArray());
        Assert.Empty(sent.GetProperty("reactions").EnumerateArray());
        Assert.False(sent.GetProperty("pinned").GetBoolean());
        Assert.Matches(TimestampPattern, sent.Str("createdAt"));
        Assert.Null(sent.StrOrNull("deletedAt"));
        Assert.Null(sent.StrOrNull("editedAt"));

        var seenByBob = Assert.Single(await HistoryAsync(bob, conversation));
        Assert.Equal(sent.Str("id"), seenByBob.Str("id"));
        Assert.Equal("Hello, Bob", seenByBob.Str("text"));
        Assert.Equal("alice", seenByBob.GetProperty("sender").Str("id"));
    }

    [Fact]
    public async Task Seq_increases_strictly_in_commit_order_whoever_sends()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = await Pair(tenant);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");

        var seqs = new List<long>();
        for (var i = 0; i < 6; i++)
        {
            var sender = i % 2 == 0 ? alice : bob;
            seqs.Add((await tenant.SendAsync(sender, conversation, $"message {i}")).GetProperty("seq").GetInt64());
        }

        for (var i = 1; i < seqs.Count; i++) Assert.True(seqs[i] > seqs[i - 1], $"seq {seqs[i]} does not follow {seqs[i - 1]}");
        var history = await HistoryAsync(alice, conversation);
        Assert.Equal(seqs.AsEnumerable().Reverse(), history.Select(m => m.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task Concurrent_sends_get_distinct_strictly_ordered_seqs()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = await Pair(tenant);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");

        var sent = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            tenant.SendAsync(i % 2 == 0 ? alice : bob, conversation, $"parallel {i}")));

        var seqs = sent.Select(m => m.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Count, seqs.Distinct().Count());
        var history = await HistoryAsync(alice, conversation);
        Assert.Equal(12, history.Length);
        Assert.Equal(seqs.Order().Reverse(), history.Select(m => m.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task Metadata_object_is_stored_and_returned_as_sent()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = await Pair(tenant);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");

        var sent = await alice.PostJsonAsync($"/v1/conversations/{conversation}/messages",
            new { text = "order shipped", metadata = new { orderId = 42, tags = Strings("a", "b"), nested = new { ok = true } } }).ExpectJson(201);

        foreach (var message in new[] { sent, Assert.Single(await HistoryAsync(bob, conversation)) })
        {
            var metadata = message.GetProperty("metadata");
            Assert.Equal(42, metadata.GetProperty("orderId").GetInt32());
            Assert.Equal(["a", "b"], metadata.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
            Assert.True(metadata.GetProperty("nested").GetProperty("ok").GetBoolean());
        }
    }

    [Fact]
    public async Task Metadata_that_is_not_an_object_is_rejected()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Pair(tenant);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");

        await alice.SendRawAsync(HttpMethod.Post, $"/v1/conversations/{conversation}/messages", "{\"text\":\"x\",\"metadata\":[1,2]}").ExpectProblem(400);
        await alice.SendRawAsync(HttpMethod.Post, $"/v1/conversations/{conversation}/messages", "{\"text\":\"x\",\"metadata\":\"text\"}").ExpectProblem(400);
        await alice.SendRawAsync(HttpMethod.Post, $"/v1/conversations/{conversation}/messages", "{\"text\":\"x\",\"metadata\":7}").ExpectProblem(400);
        Assert.Empty(await HistoryAsync(alice, conversation));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    public async Task Empty_text_is_rejected_and_nothing_is_stored(string? text)
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Pair(tenant);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");

        await alice.PostJsonAsync($"/v1/conversations/{conversation}/messages", new { text }).ExpectProblem(400);
        Assert.Empty(await HistoryAsync(alice, conversation));
    }

    [Fact]
    public async Task Text_longer_than_the_default_4000_characters_is_rejected()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Pair(tenant);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");

        await alice.PostJsonAsync($"/v1/conversations/{conversation}/messages", new { text = new string('x', 4001) }).ExpectProblem(400);
        var exact = await tenant.SendAsync(alice, conversation, new string('y', 4000));
        Assert.Equal(4000, exact.Str("text").Length);
        Assert.Single(await HistoryAsync(alice, conversation));
    }

    [Fact]
    public async Task Lowering_maxMessageLength_takes_effect_at_once()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Pair(tenant);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        await tenant.SendAsync(alice, conversation, "a fairly long message of forty characters");

        var settings = await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { maxMessageLength = 10 }).ExpectJson(200);
        Assert.Equal(10, settings.GetProperty("maxMessageLength").GetInt32());

        await alice.PostJsonAsync($"/v1/conversations/{conversation}/messages", new { text = "eleven char" }).ExpectProblem(400);
        await tenant.SendAsync(alice, conversation, "ten chars!");
        Assert.Equal(2, (await HistoryAsync(alice, conversation)).Length);

        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { maxMessageLength = 4000 }).ExpectJson(200);
        await tenant.SendAsync(alice, conversation, "eleven char");
    }

    [Fact]
    public async Task An_unknown_kind_is_rejected()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Pair(tenant);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");

        await alice.PostJsonAsync($"/v1/conversations/{conversation}/messages", new { text = "x", kind = "sticker" }).ExpectProblem(400);
        await alice.PostJsonAsync($"/v1/conversations/{conversation}/messages", new { text = "x", kind = "TEXT" }).ExpectProblem(400);
        Assert.Empty(await HistoryAsync(alice, conversation));
    }

    [Fact]
    public async Task A_user_cannot_send_a_system_message()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Pair(tenant);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");

        var response = await alice.PostJsonAsync($"/v1/conversations/{conversation}/messages", new { text = "I am the system", kind = "system" });
        Assert.True((int)response.StatusCode is 400 or 403, $"Expected 400 or 403 but got {(int)response.StatusCode}");
        Assert.Empty(await HistoryAsync(alice, conversation));
    }

    [Fact]
    public async Task Media_and_voice_messages_without_attachments_are_rejected()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Pair(tenant);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");

        await alice.PostJsonAsync($"/v1/conversations/{conversation}/messages", new { kind = "media" }).ExpectProblem(400);
        await alice.PostJsonAsync($"/v1/conversations/{conversation}/messages", new { kind = "voice" }).ExpectProblem(400);
        Assert.Empty(await HistoryAsync(alice, conversation));
    }

    [Fact]
    public async Task A_non_member_gets_404_for_a_private_group_and_a_direct_conversation()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Pair(tenant);
        var mallory = await tenant.SessionAsync("mallory");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var direct = await tenant.CreateConversationAsync(alice, "direct", "bob");

        await mallory.PostJsonAsync($"/v1/conversations/{group}/messages", new { text = "let me in" }).ExpectProblem(404, "CONVERSATION_NOT_FOUND");
        await mallory.PostJsonAsync($"/v1/conversations/{direct}/messages", new { text = "let me in" }).ExpectProblem(404, "CONVERSATION_NOT_FOUND");
        await mallory.GetAsync($"/v1/conversations/{group}/messages").ExpectProblem(404, "CONVERSATION_NOT_FOUND");
        Assert.Empty(await HistoryAsync(alice, group));
        Assert.Empty(await HistoryAsync(alice, direct));
    }

    [Fact]
    public async Task A_non_member_of_a_public_channel_gets_403_NOT_A_MEMBER_and_can_post_after_joining()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Pair(tenant);
        var mallory = await tenant.SessionAsync("mallory");
        var channel = (await alice.PostJsonAsync("/v1/conversations",
            new { type = "channel", participantIds = Array.Empty<string>(), title = "News", publicUsername = "news" }).ExpectJson(201)).Str("id");

        await mallory.PostJsonAsync($"/v1/conversations/{channel}/messages", new { text = "hi" }).ExpectProblem(403, "NOT_A_MEMBER");
        Assert.Empty(await HistoryAsync(alice, channel));

        await mallory.PostJsonAsync($"/v1/conversations/{channel}/members", new { userIds = Strings("mallory") }).ExpectJson(200, 201);
        var sent = await tenant.SendAsync(mallory, channel, "hi");
        Assert.Equal(sent.Str("id"), Assert.Single(await HistoryAsync(alice, channel)).Str("id"));
    }

    [Fact]
    public async Task Sending_to_a_conversation_that_does_not_exist_is_404()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Pair(tenant);

        await alice.PostJsonAsync("/v1/conversations/01JZZZZZZZZZZZZZZZZZZZZZZZ/messages", new { text = "x" }).ExpectProblem(404);
        await alice.PostJsonAsync("/v1/conversations/not-an-id/messages", new { text = "x" }).ExpectProblem(404);
    }

    [Fact]
    public async Task A_conversation_of_another_tenant_is_not_found()
    {
        var tenant = await server.NewTenantAsync();
        var other = await server.NewTenantAsync();
        var (alice, _) = await Pair(tenant);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var outsider = await other.SessionAsync("alice");

        await outsider.PostJsonAsync($"/v1/conversations/{conversation}/messages", new { text = "x" }).ExpectProblem(404);
        Assert.Empty(await HistoryAsync(alice, conversation));
    }

    [Fact]
    public async Task Malformed_json_is_a_400_and_changes_nothing()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Pair(tenant);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");

        await alice.SendRawAsync(HttpMethod.Post, $"/v1/conversations/{conversation}/messages", "{\"text\": ").ExpectProblem(400);
        await alice.SendRawAsync(HttpMethod.Post, $"/v1/conversations/{conversation}/messages", "{\"text\": 12}").ExpectProblem(400);
        await alice.SendRawAsync(HttpMethod.Post, $"/v1/conversations/{conversation}/messages", "{\"text\": \"x\", \"mentions\": \"bob\"}").ExpectProblem(400);
        await alice.SendRawAsync(HttpMethod.Post, $"/v1/conversations/{conversation}/messages", "null").ExpectProblem(400);
        await alice.SendRawAsync(HttpMethod.Post, $"/v1/conversations/{conversation}/messages", "[]").ExpectProblem(400);
        await alice.SendRawAsync(HttpMethod.Post, $"/v1/conversations/{conversation}/messages", "").ExpectProblem(400);
        Assert.Empty(await HistoryAsync(alice, conversation));
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Pair(tenant);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");

        await alice.SendRawAsync(HttpMethod.Post, $"/v1/conversations/{conversation}/messages", "hello", "text/plain").ExpectProblem(415);
        Assert.Empty(await HistoryAsync(alice, conversation));
    }

    [Fact]
    public async Task Metadata_over_16_KiB_is_rejected()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Pair(tenant);
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");

        await alice.PostJsonAsync($"/v1/conversations/{conversation}/messages",
            new { text = "x", metadata = new { blob = new string('m', 17 * 1024) } }).ExpectProblem(400);
        Assert.Empty(await HistoryAsync(alice, conversation));
    }

    private static string[] Strings(params string[] values) => values;

    private static async Task<(HttpClient Alice, HttpClient Bob)> Pair(TestTenant tenant)
    {
        var clients = await tenant.SessionsAsync("alice", "bob");
        return (clients[0], clients[1]);
    }

    private static async Task<JsonElement[]> HistoryAsync(HttpClient client, string conversationId) =>
        (await client.GetAsync($"/v1/conversations/{conversationId}/messages?limit=200").ExpectJson(200)).Items();
}
