using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Tenants;

/// <summary>
/// Two tenants with the same user IDs ("alice", "bob") and their own conversations: nothing of one
/// is visible to, or changeable by, the other (spec section 1).
/// </summary>
public sealed class TenantIsolationTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    private sealed record Side(TestTenant Tenant, HttpClient Alice, HttpClient Bob, string Group, string Direct, string Channel, string GroupMessage, string DirectMessage);

    private async Task<Side> SideAsync(string label)
    {
        var tenant = await server.NewTenantAsync($"Tenant {label}");
        await tenant.Backend.PutJsonAsync("/server/v1/users/alice", new { name = $"Alice of {label}", username = $"alice_{label}", email = $"alice@{label}.example" }).ExpectJson(201);
        await tenant.Backend.PutJsonAsync("/server/v1/users/bob", new { name = $"Bob of {label}" }).ExpectJson(201);
        await tenant.Backend.PutJsonAsync($"/server/v1/users/only-{label}", new { name = $"Only in {label}" }).ExpectJson(201);
        var alice = await SessionAsync(tenant, "alice");
        var bob = await SessionAsync(tenant, "bob");

        var group = await alice.PostJsonAsync("/v1/conversations", new { type = "group", participantIds = new List<string> { "bob" }, title = $"Group of {label}" }).ExpectJson(201);
        var direct = await tenant.CreateConversationAsync(alice, "direct", "bob");
        var channel = await alice.PostJsonAsync("/v1/conversations", new { type = "channel", title = $"News of {label}", publicUsername = "news" }).ExpectJson(201);
        var groupMessage = await tenant.SendAsync(bob, group.Str("id"), $"secret of {label}");
        var directMessage = await tenant.SendAsync(alice, direct, $"direct secret of {label}");
        return new Side(tenant, alice, bob, group.Str("id"), direct, channel.Str("id"), groupMessage.Str("id"), directMessage.Str("id"));
    }

    [Fact]
    public async Task Every_read_of_tenant_B_shows_nothing_of_tenant_A()
    {
        var a = await SideAsync("A");
        var b = await SideAsync("B");

        // Users, through the backend and through the client.
        var users = await b.Tenant.Backend.GetAsync("/server/v1/users?limit=200").ExpectJson(200);
        Assert.Equal(["alice", "bob", "only-B"], users.Items().Select(u => u.Str("id")).Order(StringComparer.Ordinal));
        Assert.Equal("Alice of B", (await b.Tenant.Backend.GetAsync("/server/v1/users/alice").ExpectJson(200)).Str("name"));
        await b.Tenant.Backend.GetAsync("/server/v1/users/only-A").ExpectProblem(404);
        Assert.Empty((await b.Tenant.Backend.GetAsync("/server/v1/users?q=of%20A").ExpectJson(200)).Items());
        Assert.Empty((await b.Alice.GetAsync("/v1/users?q=only-A").ExpectJson(200)).Items());
        await b.Alice.GetAsync("/v1/users/only-A").ExpectProblem(404);
        Assert.Equal("Alice of B", (await b.Alice.GetAsync("/v1/me").ExpectJson(200)).Str("name"));
        Assert.Equal("Bob of B", (await b.Alice.GetAsync("/v1/users/bob").ExpectJson(200)).Str("name"));

        // Conversations, messages, read state and unread counts.
        foreach (var client in new[] { b.Alice, b.Bob, server.ActingAs(b.Tenant.ApiKey, "alice") })
        {
            var conversations = await client.GetAsync("/v1/conversations?limit=200").ExpectJson(200);
            var ids = conversations.Items().Select(c => c.Str("id")).ToList();
            Assert.DoesNotContain(a.Group, ids);
            Assert.DoesNotContain(a.Direct, ids);
            Assert.DoesNotContain(a.Channel, ids);
            Assert.DoesNotContain("of A", conversations.GetRawText(), StringComparison.Ordinal);

            var unread = await client.GetAsync("/v1/unread").ExpectJson(200);
            Assert.DoesNotContain(a.Group, unread.GetRawText(), StringComparison.Ordinal);
            Assert.DoesNotContain(a.Direct, unread.GetRawText(), StringComparison.Ordinal);
        }
        var bUnread = await b.Alice.GetAsync("/v1/unread").ExpectJson(200);
        Assert.Equal(1, bUnread.GetProperty("totalUnread").GetInt64());
        Assert.Equal(b.Group, Assert.Single(bUnread.GetProperty("byConversation").EnumerateArray()).Str("conversationId"));

        var messages = await b.Alice.GetAsync($"/v1/conversations/{b.Group}/messages").ExpectJson(200);
        Assert.Equal("secret of B", Assert.Single(messages.Items()).Str("text"));
        var readState = await b.Alice.GetAsync($"/v1/conversations/{b.Group}/read-state").ExpectJson(200);
        Assert.DoesNotContain(a.GroupMessage, readState.GetRawText(), StringComparison.Ordinal);
        var detail = await b.Alice.GetAsync($"/v1/conversations/{b.Group}").ExpectJson(200);
        Assert.DoesNotContain("of A", detail.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tenant_B_cannot_read_tenant_A_objects_by_id()
    {
        var a = await SideAsync("A");
        var b = await SideAsync("B");

        foreach (var client in new[] { b.Alice, b.Bob, server.ActingAs(b.Tenant.ApiKey, "alice") })
        {
            foreach (var conversation in new[] { a.Group, a.Direct, a.Channel })
            {
                await client.GetAsync($"/v1/conversations/{conversation}").ExpectProblem(404, "CONVERSATION_NOT_FOUND");
                await client.GetAsync($"/v1/conversations/{conversation}/messages").ExpectProblem(404);
                await client.GetAsync($"/v1/conversations/{conversation}/members").ExpectProblem(404);
                await client.GetAsync($"/v1/conversations/{conversation}/read-state").ExpectProblem(404);
            }
            await client.GetAsync($"/v1/conversations/{b.Group}/messages?aroundId={a.GroupMessage}").ExpectProblem(404);
            await client.GetAsync($"/v1/conversations/{b.Group}/messages?afterId={a.GroupMessage}").ExpectProblem(404);
        }
    }

    [Fact]
    public async Task Tenant_B_cannot_change_tenant_A_conversations_and_A_stays_untouched()
    {
        var a = await SideAsync("A");
        var b = await SideAsync("B");
        var position = await server.LastPositionAsync(a.Tenant.Id);
        var aGroupBefore = (await a.Alice.GetAsync($"/v1/conversations/{a.Group}").ExpectJson(200)).GetRawText();
        var aMessagesBefore = (await a.Alice.GetAsync($"/v1/conversations/{a.Group}/messages").ExpectJson(200)).GetRawText();

        foreach (var client in new[] { b.Alice, server.ActingAs(b.Tenant.ApiKey, "alice") })
        {
            await client.PostJsonAsync($"/v1/conversations/{a.Group}/messages", new { text = "intruder" }).ExpectProblem(404);
            await client.PatchJsonAsync($"/v1/conversations/{a.Group}", new { title = "Taken over" }).ExpectProblem(404);
            await client.PatchJsonAsync($"/v1/conversations/{a.Group}", new { pinned = true }).ExpectProblem(404);
            await client.PatchJsonAsync($"/v1/conversations/{a.Group}/avatar", new { avatarUrl = "https://evil.example/x.png" }).ExpectProblem(404);
            await client.PostJsonAsync($"/v1/conversations/{a.Group}/members", new { userIds = new List<string> { "alice" } }).ExpectProblem(404);
            await client.PostJsonAsync($"/v1/conversations/{a.Channel}/members", new { userIds = new List<string> { "alice" } }).ExpectProblem(404);
            await client.PatchJsonAsync($"/v1/conversations/{a.Group}/members/bob", new { role = "admin" }).ExpectProblem(404);
            await client.DeleteAsync($"/v1/conversations/{a.Group}/members/bob").ExpectProblem(404);
            await client.PatchJsonAsync($"/v1/conversations/{a.Group}/messages/{a.GroupMessage}", new { text = "edited" }).ExpectProblem(404);
            await client.DeleteAsync($"/v1/conversations/{a.Group}/messages/{a.GroupMessage}").ExpectProblem(404);
            await client.DeleteAsync($"/v1/conversations/{a.Group}/messages/{a.GroupMessage}?scope=me").ExpectProblem(404);
            await client.PostJsonAsync($"/v1/conversations/{a.Group}/messages/{a.GroupMessage}/forward", new { targetConversationId = b.Group }).ExpectProblem(404);
            await client.PostJsonAsync($"/v1/conversations/{a.Group}/read", new { }).ExpectProblem(404);
            await client.PostJsonAsync($"/v1/conversations/{a.Group}/delivered", new { }).ExpectProblem(404);
            await client.DeleteAsync($"/v1/conversations/{a.Group}").ExpectProblem(404);

            // Naming A's objects from inside B's own conversation does not reach them either.
            await client.PostJsonAsync($"/v1/conversations/{b.Group}/messages/{b.GroupMessage}/forward", new { targetConversationId = a.Group }).ExpectProblem(404);
            await client.PostJsonAsync($"/v1/conversations/{b.Group}/read", new { messageIds = new List<string> { a.GroupMessage } }).ExpectProblem(404);
            await client.PostJsonAsync($"/v1/conversations/{b.Group}/delivered", new { upToMessageId = a.GroupMessage }).ExpectProblem(404);
            var reply = await client.PostJsonAsync($"/v1/conversations/{b.Group}/messages", new { text = "re", replyToId = a.GroupMessage });
            Assert.True((int)reply.StatusCode is 400 or 404, $"replying to another tenant's message gave {(int)reply.StatusCode}");
        }

        // The backend of B cannot post into A either.
        await b.Tenant.Backend.PostJsonAsync($"/server/v1/conversations/{a.Group}/messages", new { text = "system intrusion" }).ExpectProblem(404);
        await b.Tenant.Backend.PostJsonAsync($"/server/v1/conversations/{a.Group}/messages", new { text = "as alice", senderId = "alice" }).ExpectProblem(404);

        Assert.Equal(position, await server.LastPositionAsync(a.Tenant.Id));
        Assert.Equal(aGroupBefore, (await a.Alice.GetAsync($"/v1/conversations/{a.Group}").ExpectJson(200)).GetRawText());
        Assert.Equal(aMessagesBefore, (await a.Alice.GetAsync($"/v1/conversations/{a.Group}/messages").ExpectJson(200)).GetRawText());
        Assert.DoesNotContain(await server.ReadAsync(b.Tenant.Id), e => e.ConversationId == a.Group || e.Payload.Contains(a.Group, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Credentials_of_one_tenant_never_reach_the_other()
    {
        var a = await SideAsync("A");
        var b = await SideAsync("B");
        var aToken = (await a.Tenant.Backend.PostJsonAsync("/server/v1/sessions", new { userId = "alice" }).ExpectJson(201)).Str("token");

        // A's session combined with B's API key (and X-User-Id) must not open B's conversations.
        var mixed = server.WithSession(aToken);
        mixed.DefaultRequestHeaders.Add("X-API-Key", b.Tenant.ApiKey);
        mixed.DefaultRequestHeaders.Add("X-User-Id", "alice");
        await ExpectRefusedAsync(mixed.GetAsync($"/v1/conversations/{b.Group}"));
        await ExpectRefusedAsync(mixed.PostJsonAsync($"/v1/conversations/{b.Group}/messages", new { text = "mixed" }));
        var me = await mixed.GetAsync("/v1/me");
        if (me.IsSuccessStatusCode)
            Assert.Equal("Alice of A", JsonDocument.Parse(await me.Content.ReadAsStringAsync()).RootElement.Str("name"));

        // A's session is no key to the server API of either tenant.
        await server.WithSession(aToken).GetAsync("/server/v1/users").ExpectProblem(401);
        var sessionPlusKey = server.WithSession(aToken);
        sessionPlusKey.DefaultRequestHeaders.Add("X-API-Key", aToken);
        await sessionPlusKey.GetAsync("/server/v1/users").ExpectProblem(401);

        // B's API key cannot act as a user that exists only in A.
        await server.ActingAs(b.Tenant.ApiKey, "only-A").GetAsync("/v1/me").ExpectProblem(401);
        // B's API key acting as "alice" is B's alice.
        Assert.Equal("Alice of B", (await server.ActingAs(b.Tenant.ApiKey, "alice").GetAsync("/v1/me").ExpectJson(200)).Str("name"));
        // B's API key cannot issue sessions for, revoke sessions of, read or delete A-only users.
        await b.Tenant.Backend.PostJsonAsync("/server/v1/sessions", new { userId = "only-A" }).ExpectProblem(404);
        await b.Tenant.Backend.DeleteAsync("/server/v1/users/only-A/sessions").ExpectProblem(404);
        await b.Tenant.Backend.DeleteAsync("/server/v1/users/only-A").ExpectProblem(404);
        await a.Tenant.Backend.GetAsync("/server/v1/users/only-A").Expect(200);

        // Revoking B's alice's sessions leaves A's alice logged in.
        await b.Tenant.Backend.DeleteAsync("/server/v1/users/alice/sessions").Expect(204);
        await b.Alice.GetAsync("/v1/me").ExpectProblem(401);
        await a.Alice.GetAsync("/v1/me").Expect(200);

        // Deleting B's bob leaves A's bob whole.
        await b.Tenant.Backend.DeleteAsync("/server/v1/users/bob").Expect(204);
        Assert.Equal("Bob of A", (await a.Tenant.Backend.GetAsync("/server/v1/users/bob").ExpectJson(200)).Str("name"));
        await a.Bob.GetAsync("/v1/me").Expect(200);
        var aMessage = Assert.Single((await a.Alice.GetAsync($"/v1/conversations/{a.Group}/messages").ExpectJson(200)).Items());
        Assert.Equal("Bob of A", aMessage.GetProperty("sender").Str("name"));
    }

    [Fact]
    public async Task Per_tenant_names_do_not_collide_across_tenants()
    {
        var a = await SideAsync("A");
        var b = await SideAsync("B");

        // Both created a channel with publicUsername "news", and each has its own direct alice-bob conversation.
        Assert.NotEqual(a.Channel, b.Channel);
        Assert.NotEqual(a.Direct, b.Direct);
        var again = await b.Alice.PostJsonAsync("/v1/conversations", new { type = "direct", participantIds = new List<string> { "bob" } }).ExpectJson(200);
        Assert.Equal(b.Direct, again.Str("id"));

        // Usernames are per tenant.
        await b.Tenant.Backend.PutJsonAsync("/server/v1/users/carol", new { name = "Carol", username = "alice_A" }).ExpectJson(201);
    }

    [Fact]
    public async Task Settings_patched_by_one_tenant_do_not_apply_to_the_other()
    {
        var a = await SideAsync("A");
        var b = await SideAsync("B");
        await a.Tenant.Backend.PatchJsonAsync("/server/v1/settings", new { maxMessageLength = 5 }).ExpectJson(200);
        await b.Tenant.SendAsync(b.Alice, b.Group, "a message longer than five");
        await a.Alice.PostJsonAsync($"/v1/conversations/{a.Group}/messages", new { text = "a message longer than five" }).ExpectProblem(400);
    }

    [Fact]
    public async Task Deleting_tenant_A_leaves_tenant_B_whole()
    {
        var a = await SideAsync("A");
        var b = await SideAsync("B");
        var bPosition = await server.LastPositionAsync(b.Tenant.Id);
        var bConversations = (await b.Alice.GetAsync("/v1/conversations").ExpectJson(200)).GetRawText();

        await server.AsAdmin().DeleteAsync($"/admin/v1/tenants/{a.Tenant.Id}").Expect(204);

        await a.Alice.GetAsync("/v1/me").ExpectProblem(401);
        await a.Tenant.Backend.GetAsync("/server/v1/users").ExpectProblem(401);
        Assert.Empty(await server.ReadAsync(a.Tenant.Id));

        Assert.Equal(bPosition, await server.LastPositionAsync(b.Tenant.Id));
        Assert.Equal(bConversations, (await b.Alice.GetAsync("/v1/conversations").ExpectJson(200)).GetRawText());
        Assert.Equal(3, (await b.Tenant.Backend.GetAsync("/server/v1/users").ExpectJson(200)).Items().Length);
        await b.Tenant.SendAsync(b.Bob, b.Group, "still here");
    }

    [Fact]
    public async Task The_admin_api_of_one_tenant_id_does_not_touch_another()
    {
        var a = await SideAsync("A");
        var b = await SideAsync("B");
        var keyOfA = await server.AsAdmin().PostJsonAsync($"/admin/v1/tenants/{a.Tenant.Id}/api-keys", null).ExpectJson(201);

        // A key id of A cannot be revoked through B's path.
        await server.AsAdmin().DeleteAsync($"/admin/v1/tenants/{b.Tenant.Id}/api-keys/{keyOfA.Str("id")}").ExpectProblem(404, "API_KEY_NOT_FOUND");
        await server.ActingAs(keyOfA.Str("apiKey"), "alice").GetAsync("/v1/me").Expect(200);
        Assert.Equal("Alice of A", (await server.ActingAs(keyOfA.Str("apiKey"), "alice").GetAsync("/v1/me").ExpectJson(200)).Str("name"));
    }

    private static async Task ExpectRefusedAsync(Task<HttpResponseMessage> pending)
    {
        var response = await pending;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode is 401 or 404, $"Expected 401 or 404 but got {(int)response.StatusCode}: {text}");
    }

    private async Task<HttpClient> SessionAsync(TestTenant tenant, string userId)
    {
        var session = await tenant.Backend.PostJsonAsync("/server/v1/sessions", new { userId }).ExpectJson(201);
        return server.WithSession(session.Str("token"));
    }
}
