using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Realtime;

/// <summary>
/// The request envelope: a request with a requestId gets exactly one ack or error carrying it; one without
/// gets nothing on success and an error on failure.
/// </summary>
public sealed class RequestEnvelopeTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Ping_is_acked_with_its_requestId_and_an_object_payload()
    {
        var tenant = await server.NewTenantAsync();
        await using var bob = await Device.ConnectAsync(server, await tenant.TokenAsync("bob"), "bob");

        await bob.Socket.SendRawAsync("""{"type":"ping","requestId":"c-17 ✓/\"odd\""}""");
        var ack = await bob.NextAsync(f => Kit.Type(f) == "ack");
        Assert.Equal("c-17 ✓/\"odd\"", ack.Str("requestId"));
        Assert.Equal(JsonValueKind.Object, Kit.Payload(ack).ValueKind);
    }

    [Fact]
    public async Task Every_request_with_a_requestId_gets_exactly_one_reply_with_it()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        await using var bob = await Device.ConnectAsync(server, bobToken, "bob");

        var requests = new (string Type, object Payload, string Reply)[]
        {
            ("ping", new { }, "ack"),
            ("typing", new { conversationId = group, isTyping = true }, "ack"),
            ("typing", new { conversationId = group, isTyping = false }, "ack"),
            ("presence", new { status = "away" }, "ack"),
            ("conversation.subscribe", new { conversationId = group }, "ack"),
            ("conversation.unsubscribe", new { conversationId = group }, "ack"),
            ("message.send", new { conversationId = group, text = "one" }, "ack"),
            ("message.delivered", new { conversationId = group }, "ack"),
            ("message.read", new { conversationId = group }, "ack"),
            ("resume", new { since = bob.ReadySeq }, "ack"),
            ("message.send", new { conversationId = "missing", text = "two" }, "error"),
            ("no.such.type", new { }, "error"),
            ("typing", new { conversationId = "missing" }, "error"),
        };
        for (var i = 0; i < requests.Length; i++)
        {
            var (type, payload, _) = requests[i];
            await bob.Socket.SendRawAsync(JsonSerializer.Serialize(new { type, requestId = $"q{i}", payload }, JsonSerializerOptions.Web));
        }
        await bob.NextAsync(f => f.StrOrNull("requestId") == $"q{requests.Length - 1}");
        await bob.SettleAsync(Kit.Quiet);

        for (var i = 0; i < requests.Length; i++)
        {
            var replies = bob.Seen.Where(f => f.StrOrNull("requestId") == $"q{i}").ToList();
            Assert.True(replies.Count == 1, $"{requests[i].Type} (q{i}) got {replies.Count} replies");
            Assert.True(Kit.Type(replies[0]) == requests[i].Reply, $"{requests[i].Type} (q{i}) got {replies[0]}");
        }
        // Replies come in the order the requests were read.
        var order = bob.Seen.Where(f => f.StrOrNull("requestId") is { } id && id.StartsWith('q')).Select(f => f.Str("requestId")).ToList();
        Assert.Equal(Enumerable.Range(0, requests.Length).Select(i => $"q{i}"), order);
    }

    [Fact]
    public async Task A_request_without_requestId_gets_nothing_when_it_succeeds()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        await using var bob = await Device.ConnectAsync(server, bobToken, "bob");
        var connected = bob.Seen.Count;

        await bob.Socket.SendRawAsync("""{"type":"ping"}""");
        await bob.Socket.SendRawAsync(JsonSerializer.Serialize(new { type = "typing", payload = new { conversationId = group, isTyping = true } }));
        await bob.Socket.SendRawAsync(JsonSerializer.Serialize(new { type = "message.send", payload = new { conversationId = group, text = "quiet" } }));
        var created = await bob.EventAsync("message.created", p => p.StrOrNull("text") == "quiet");
        await bob.SettleAsync(Kit.Quiet);

        Assert.DoesNotContain(bob.Seen.Skip(connected), f => Kit.Type(f) is "ack" or "error");
        Assert.Equal("bob", Kit.Payload(created).GetProperty("sender").Str("id"));
    }

    [Fact]
    public async Task A_request_without_requestId_gets_an_error_without_requestId_when_it_fails()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        await tenant.UpsertUserAsync("bob");
        var (_, eveToken) = await Kit.UserAsync(tenant, "eve");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        await using var eve = await Device.ConnectAsync(server, eveToken, "eve");

        await eve.Socket.SendRawAsync(JsonSerializer.Serialize(new { type = "message.send", payload = new { conversationId = group, text = "sneak" } }));
        var error = await eve.NextAsync(f => Kit.Type(f) == "error");
        Assert.False(error.TryGetProperty("requestId", out var id) && id.ValueKind != JsonValueKind.Null, $"no requestId was sent, yet the error carries one: {error}");
        Assert.Contains(Kit.Payload(error).Str("code"), Kit.List("CONVERSATION_NOT_FOUND", "NOT_A_MEMBER"));
        Assert.False(string.IsNullOrWhiteSpace(Kit.Payload(error).Str("message")));
        Assert.Empty((await alice.GetAsync($"/v1/conversations/{group}/messages").ExpectJson(200)).Items());
    }
}
