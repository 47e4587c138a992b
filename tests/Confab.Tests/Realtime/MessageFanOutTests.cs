using Confab.Tests.Infrastructure;

namespace Confab.Tests.Realtime;

/// <summary>Message, receipt and unread events: members' devices get the conversation's events, a user's own devices get its own.</summary>
public sealed class MessageFanOutTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Message_events_reach_every_device_of_every_member_and_nobody_else()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, aliceToken) = await Kit.UserAsync(tenant, "alice");
        var (bobHttp, bobToken) = await Kit.UserAsync(tenant, "bob");
        var (carolHttp, carolToken) = await Kit.UserAsync(tenant, "carol");
        var (_, daveToken) = await Kit.UserAsync(tenant, "dave");
        var (zed, _) = await Kit.UserAsync(tenant, "zed");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob", "carol");
        var aliceDave = await tenant.CreateConversationAsync(alice, "direct", "dave");
        var daveBarrier = await tenant.CreateConversationAsync(zed, "direct", "dave");

        await using var alice1 = await Device.ConnectAsync(server, aliceToken, "alice");
        await using var alice2 = await Device.ConnectAsync(server, aliceToken, "alice");
        await using var bob = await Device.ConnectAsync(server, bobToken, "bob");
        await using var carol = await Device.ConnectAsync(server, carolToken, "carol");
        await using var dave = await Device.ConnectAsync(server, daveToken, "dave");
        var start = alice1.ReadySeq;
        var members = new[] { alice1, alice2, bob, carol };

        var sent = await tenant.SendAsync(bobHttp, group, "hello all");
        var id = sent.Str("id");
        foreach (var device in members)
        {
            var payload = Kit.Payload(await device.MessageCreatedAsync(id));
            Assert.Equal("hello all", payload.Str("text"));
            Assert.Equal("bob", payload.GetProperty("sender").Str("id"));
            Assert.Equal(group, payload.Str("conversationId"));
        }

        await bobHttp.PatchJsonAsync($"/v1/conversations/{group}/messages/{id}", new { text = "hello everyone" }).ExpectJson(200);
        foreach (var device in members)
        {
            var payload = Kit.Payload(await device.EventAsync("message.updated", p => p.Str("id") == id));
            Assert.Equal("hello everyone", payload.Str("text"));
            Assert.NotNull(payload.StrOrNull("editedAt"));
        }

        await alice.PostJsonAsync($"/v1/conversations/{group}/read", new { messageIds = Kit.List(id) }).ExpectJson(200);
        foreach (var device in members)
        {
            var receipt = Kit.Payload(await device.EventAsync("message.receipt", p => p.Str("userId") == "alice"));
            Assert.Equal(group, receipt.Str("conversationId"));
            Assert.Equal("read", receipt.Str("status"));
            Assert.Contains(id, receipt.GetProperty("messageIds").EnumerateArray().Select(m => m.GetString()));
            Assert.NotNull(receipt.StrOrNull("at"));
        }
        foreach (var device in new[] { alice1, alice2 })
        {
            var unread = Kit.Payload(await device.EventAsync("unread.updated", p => p.Str("conversationId") == group));
            Assert.Equal(0, unread.GetProperty("unreadCount").GetInt64());
            Assert.Equal(0, unread.GetProperty("totalUnread").GetInt64());
        }

        await carolHttp.PostJsonAsync($"/v1/conversations/{group}/delivered", new { }).ExpectJson(200);
        foreach (var device in members)
            Assert.Equal("delivered", Kit.Payload(await device.EventAsync("message.receipt", p => p.Str("userId") == "carol")).Str("status"));

        // Hiding for oneself tells only one's own devices.
        await carolHttp.DeleteAsync($"/v1/conversations/{group}/messages/{id}?scope=me").Expect(204);
        Assert.Equal(id, Kit.Payload(await carol.EventAsync("message.deleted", p => p.Str("messageId") == id)).Str("messageId"));

        await bobHttp.DeleteAsync($"/v1/conversations/{group}/messages/{id}").Expect(204);
        foreach (var device in members)
        {
            var deleted = Kit.Payload(await device.EventAsync("message.deleted", p => p.Str("messageId") == id));
            Assert.Equal(group, deleted.Str("conversationId"));
        }

        // A forward lands in the target conversation only: alice and dave see it, bob and carol do not.
        var second = await tenant.SendAsync(bobHttp, group, "forward me");
        var forwarded = await alice.PostJsonAsync($"/v1/conversations/{group}/messages/{second.Str("id")}/forward", new { targetConversationId = aliceDave })
            .ExpectJson(201);
        foreach (var device in new[] { alice1, alice2, dave })
            Assert.Equal(aliceDave, Kit.Payload(await device.MessageCreatedAsync(forwarded.Str("id"))).Str("conversationId"));

        var last = await tenant.SendAsync(bobHttp, group, "last");
        foreach (var device in members) await device.MessageCreatedAsync(last.Str("id"));
        var barrier = await tenant.SendAsync(zed, daveBarrier, "barrier");
        await dave.MessageCreatedAsync(barrier.Str("id"));

        var log = await server.ReadAsync(tenant.Id, start);
        foreach (var device in members)
        {
            device.AssertDurableExactly(log.Where(e => e.ConversationId == group || e.UserId == device.UserId
                || device.UserId == "alice" && e.ConversationId == aliceDave).Select(e => e.Position), start);
        }
        dave.AssertDurableExactly(log.Where(e => e.ConversationId is { } c && (c == aliceDave || c == daveBarrier)).Select(e => e.Position), start);
        Assert.DoesNotContain(bob.Durable, f => Kit.Type(f) == "unread.updated");
    }

    [Fact]
    public async Task Messages_sent_over_the_socket_fan_out_like_those_sent_over_rest()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, aliceToken) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var (_, eveToken) = await Kit.UserAsync(tenant, "eve");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");

        await using var alice1 = await Device.ConnectAsync(server, aliceToken, "alice");
        await using var alice2 = await Device.ConnectAsync(server, aliceToken, "alice");
        await using var bob = await Device.ConnectAsync(server, bobToken, "bob");
        await using var eve = await Device.ConnectAsync(server, eveToken, "eve");

        var ack = await alice1.AckedAsync("message.send", new { conversationId = group, text = "from the socket" });
        foreach (var device in new[] { alice1, alice2, bob })
            Assert.Equal("from the socket", Kit.Payload(await device.MessageCreatedAsync(ack.Str("id"))).Str("text"));
        await eve.SettleAsync(Kit.Quiet);
        Assert.Empty(eve.Durable);
    }

    [Fact]
    public async Task Messages_posted_by_the_tenant_backend_reach_the_members()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, aliceToken) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var (_, eveToken) = await Kit.UserAsync(tenant, "eve");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        await using var aliceDevice = await Device.ConnectAsync(server, aliceToken, "alice");
        await using var bob = await Device.ConnectAsync(server, bobToken, "bob");
        await using var eve = await Device.ConnectAsync(server, eveToken, "eve");

        var system = await tenant.Backend.PostJsonAsync($"/server/v1/conversations/{group}/messages", new { text = "maintenance tonight" }).ExpectJson(201);
        var asBob = await tenant.Backend.PostJsonAsync($"/server/v1/conversations/{group}/messages", new { text = "on bob's behalf", senderId = "bob" }).ExpectJson(201);
        foreach (var device in new[] { aliceDevice, bob })
        {
            Assert.Equal("system", Kit.Payload(await device.MessageCreatedAsync(system.Str("id"))).Str("kind"));
            Assert.Equal("bob", Kit.Payload(await device.MessageCreatedAsync(asBob.Str("id"))).GetProperty("sender").Str("id"));
        }
        await eve.SettleAsync(Kit.Quiet);
        Assert.Empty(eve.Durable);
    }

    [Fact]
    public async Task Every_device_gets_the_events_in_the_same_commit_order_with_strictly_increasing_seq()
    {
        var tenant = await server.NewTenantAsync();
        var people = new[] { "alice", "bob", "carol" };
        var clients = new Dictionary<string, HttpClient>();
        var tokens = new Dictionary<string, string>();
        foreach (var person in people) (clients[person], tokens[person]) = await Kit.UserAsync(tenant, person);
        var group = await tenant.CreateConversationAsync(clients["alice"], "group", "bob", "carol");

        var devices = new List<Device>();
        foreach (var person in people)
        {
            devices.Add(await Device.ConnectAsync(server, tokens[person], person));
            devices.Add(await Device.ConnectAsync(server, tokens[person], person));
        }
        try
        {
            var start = devices.Min(d => d.ReadySeq);
            await Task.WhenAll(people.Select(async person =>
            {
                for (var i = 0; i < 15; i++) await tenant.SendAsync(clients[person], group, $"{person} {i}");
            }));
            var last = await server.LastPositionAsync(tenant.Id);
            var expected = (await server.ReadAsync(tenant.Id, start)).Where(e => e.ConversationId == group).Select(e => e.Position).ToList();
            Assert.Equal(45, expected.Count);

            foreach (var device in devices)
            {
                await device.CatchUpToAsync(last);
                device.AssertDurableExactly(expected, start);
            }
        }
        finally
        {
            foreach (var device in devices) await device.DisposeAsync();
        }
    }
}
