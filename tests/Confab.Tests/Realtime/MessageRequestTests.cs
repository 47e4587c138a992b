using Confab.Tests.Infrastructure;

namespace Confab.Tests.Realtime;

/// <summary>message.send, message.read, message.delivered and message.forward over the socket: acked like REST answers, refused by the same rules.</summary>
public sealed class MessageRequestTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Message_send_is_acked_with_the_message_and_is_idempotent_on_clientMessageId()
    {
        await using var pair = await AliceAndBob.InAGroupAsync(server);
        var (tenant, alice, group, aliceDevice, bob) = (pair.Tenant, pair.Alice, pair.Group, pair.AliceDevice, pair.Bob);

        var reply = await bob.RequestAsync("message.send", new { conversationId = group, text = "hi", clientMessageId = "c-1", metadata = new { k = 1 } });
        Assert.Equal("ack", Kit.Type(reply));
        Assert.StartsWith("bob-", reply.Str("requestId"), StringComparison.Ordinal);
        var message = Kit.Payload(reply);
        Assert.Equal(group, message.Str("conversationId"));
        Assert.Equal("hi", message.Str("text"));
        Assert.Equal("bob", message.GetProperty("sender").Str("id"));
        Assert.Equal("c-1", message.Str("clientMessageId"));
        Assert.Equal(1, message.GetProperty("metadata").GetProperty("k").GetInt32());
        Assert.True(message.GetProperty("seq").GetInt64() > 0);

        var again = await bob.AckedAsync("message.send", new { conversationId = group, text = "hi", clientMessageId = "c-1" });
        Assert.Equal(message.Str("id"), again.Str("id"));

        var history = await alice.GetAsync($"/v1/conversations/{group}/messages").ExpectJson(200);
        Assert.Single(history.Items());
        await aliceDevice.MessageCreatedAsync(message.Str("id"));
        var marker = await bob.AckedAsync("message.send", new { conversationId = group, text = "marker" });
        await aliceDevice.MessageCreatedAsync(marker.Str("id"));
        Assert.Equal(2, aliceDevice.Durable.Count(f => Kit.Type(f) == "message.created"));
    }

    [Fact]
    public async Task Message_send_is_refused_by_the_same_rules_as_rest_and_changes_nothing()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var (_, eveToken) = await Kit.UserAsync(tenant, "eve");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var mutedGroup = await tenant.CreateConversationAsync(alice, "group", "bob");
        await alice.PatchJsonAsync($"/v1/conversations/{mutedGroup}/members/bob", new { mutedUntil = server.Clock.GetUtcNow().AddHours(1) }).ExpectJson(200);
        var readOnly = (await alice.PostJsonAsync("/v1/conversations", new { type = "channel", participantIds = Kit.List("bob"), readOnly = true }).ExpectJson(201)).Str("id");
        var publicChannel = (await alice.PostJsonAsync("/v1/conversations", new { type = "channel", participantIds = Kit.List("bob"), publicUsername = "lobby" })
            .ExpectJson(201)).Str("id");
        await using var bob = await Device.ConnectAsync(server, bobToken, "bob");
        await using var eve = await Device.ConnectAsync(server, eveToken, "eve");
        var before = await server.LastPositionAsync(tenant.Id);

        await eve.RefusedAsync("message.send", new { conversationId = group, text = "let me in" }, "CONVERSATION_NOT_FOUND", "NOT_A_MEMBER");
        await eve.RefusedAsync("message.send", new { conversationId = publicChannel, text = "not joined" }, "NOT_A_MEMBER");
        await bob.RefusedAsync("message.send", new { conversationId = mutedGroup, text = "muted" }, "MEMBER_MUTED");
        await bob.RefusedAsync("message.send", new { conversationId = readOnly, text = "read only" }, "READ_ONLY");
        await bob.RefusedAsync("message.send", new { conversationId = group, text = "" }, "VALIDATION_FAILED");
        await bob.RefusedAsync("message.send", new { text = "where?" }, "VALIDATION_FAILED");
        await bob.RefusedAsync("message.send", new { conversationId = "nope", text = "x" }, "CONVERSATION_NOT_FOUND");
        await bob.RefusedAsync("message.send", new { conversationId = group, text = new string('x', 4001) }, "VALIDATION_FAILED");

        Assert.Equal(before, await server.LastPositionAsync(tenant.Id));
        Assert.Equal("ack", Kit.Type(await bob.RequestAsync("ping")));
    }

    [Fact]
    public async Task Message_read_and_delivered_are_acked_and_announce_receipts_and_unread()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, aliceToken) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var other = await tenant.CreateConversationAsync(alice, "group", "bob");
        var m1 = (await tenant.SendAsync(alice, group, "one")).Str("id");
        var m2 = (await tenant.SendAsync(alice, group, "two")).Str("id");
        var elsewhere = (await tenant.SendAsync(alice, other, "elsewhere")).Str("id");
        await using var aliceDevice = await Device.ConnectAsync(server, aliceToken, "alice");
        await using var bob1 = await Device.ConnectAsync(server, bobToken, "bob");
        await using var bob2 = await Device.ConnectAsync(server, bobToken, "bob");

        var delivered = await bob1.AckedAsync("message.delivered", new { conversationId = group, messageIds = Kit.List(m2) });
        Assert.Equal("delivered", delivered.Str("status"));
        Assert.Equal(m2, delivered.Str("upToMessageId"));
        var receipt = Kit.Payload(await aliceDevice.EventAsync("message.receipt", p => p.Str("status") == "delivered"));
        Assert.Equal("bob", receipt.Str("userId"));
        Assert.Equal(Kit.List(m1, m2), receipt.GetProperty("messageIds").EnumerateArray().Select(e => e.GetString()!));

        var read = await bob1.AckedAsync("message.read", new { conversationId = group, messageIds = Kit.List(m1) });
        Assert.Equal("read", read.Str("status"));
        Assert.Equal(1, read.GetProperty("unreadCount").GetInt64());
        Assert.Equal(Kit.List(m1), Kit.Payload(await aliceDevice.EventAsync("message.receipt", p => p.Str("status") == "read")).GetProperty("messageIds")
            .EnumerateArray().Select(e => e.GetString()!));
        foreach (var device in new[] { bob1, bob2 })
        {
            var unread = Kit.Payload(await device.EventAsync("unread.updated", p => p.Str("conversationId") == group));
            Assert.Equal(1, unread.GetProperty("unreadCount").GetInt64());
            Assert.Equal(2, unread.GetProperty("totalUnread").GetInt64());
        }

        // No ids: everything so far.
        Assert.Equal(0, (await bob2.AckedAsync("message.read", new { conversationId = group })).GetProperty("unreadCount").GetInt64());
        var state = await server.WithSession(bobToken).GetAsync($"/v1/conversations/{group}/read-state").ExpectJson(200);
        Assert.Equal(m2, state.Str("lastReadMessageId"));

        await bob1.RefusedAsync("message.read", new { conversationId = group, messageIds = Kit.List(elsewhere) }, "MESSAGE_NOT_FOUND");
        await bob1.RefusedAsync("message.read", new { messageIds = Kit.List(m1) }, "VALIDATION_FAILED");
        var (_, eveToken) = await Kit.UserAsync(tenant, "eve");
        await using var eve = await Device.ConnectAsync(server, eveToken, "eve");
        await eve.RefusedAsync("message.delivered", new { conversationId = group, messageIds = Kit.List(m1) }, "CONVERSATION_NOT_FOUND", "NOT_A_MEMBER");
    }

    [Fact]
    public async Task Message_forward_is_acked_with_the_new_message_in_the_target_and_refused_where_the_sender_may_not_post()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var (carolHttp, carolToken) = await Kit.UserAsync(tenant, "carol");
        var source = await tenant.CreateConversationAsync(alice, "group", "bob");
        var target = await tenant.CreateConversationAsync(carolHttp, "group", "bob");
        var notMine = await tenant.CreateConversationAsync(alice, "group", "carol");
        var original = (await tenant.SendAsync(alice, source, "worth sharing")).Str("id");
        await using var bob = await Device.ConnectAsync(server, bobToken, "bob");
        await using var carol = await Device.ConnectAsync(server, carolToken, "carol");

        var forwarded = await bob.AckedAsync("message.forward",
            new { sourceConversationId = source, messageId = original, targetConversationId = target, comment = "look" });
        Assert.Equal(target, forwarded.Str("conversationId"));
        Assert.Equal("worth sharing", forwarded.Str("text"));
        Assert.Equal(original, forwarded.Str("forwardedFromMessageId"));
        Assert.Equal(source, forwarded.Str("forwardedFromConversationId"));
        Assert.Equal("alice", forwarded.GetProperty("forwardedFrom").Str("id"));

        await carol.EventAsync("message.created", p => p.StrOrNull("text") == "look");
        await carol.MessageCreatedAsync(forwarded.Str("id"));

        var before = await server.LastPositionAsync(tenant.Id);
        await bob.RefusedAsync("message.forward", new { sourceConversationId = source, messageId = original, targetConversationId = notMine },
            "CONVERSATION_NOT_FOUND", "NOT_A_MEMBER");
        await bob.RefusedAsync("message.forward", new { sourceConversationId = source, targetConversationId = target }, "VALIDATION_FAILED");
        await bob.RefusedAsync("message.forward", new { sourceConversationId = source, messageId = original }, "VALIDATION_FAILED");
        await bob.RefusedAsync("message.forward", new { sourceConversationId = notMine, messageId = original, targetConversationId = target },
            "CONVERSATION_NOT_FOUND");
        Assert.Equal(before, await server.LastPositionAsync(tenant.Id));
    }
}
