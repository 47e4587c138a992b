using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Users;

/// <summary>DELETE /server/v1/users/{userId} with ?messages=keep|anonymize|delete.</summary>
public sealed class UserDeletionTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    private sealed record World(TestTenant Tenant, HttpClient Alice, HttpClient Bob, string Group, string Direct, string AliceMessage, string BobMessage, string AliceDirectMessage);

    private async Task<World> SetUpAsync()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.Backend.PutJsonAsync("/server/v1/users/alice", new { name = "Alice", username = "alice", email = "alice@example.com" }).ExpectJson(201);
        var alice = await SessionOfExistingAsync(tenant, "alice");
        var bob = await tenant.SessionAsync("bob");
        await tenant.UpsertUserAsync("carol");
        var group = await tenant.CreateConversationAsync(bob, "group", "alice", "carol");
        var direct = await tenant.CreateConversationAsync(alice, "direct", "bob");
        var aliceMessage = (await tenant.SendAsync(alice, group, "hi from alice")).Str("id");
        var bobMessage = (await tenant.SendAsync(bob, group, "hi from bob")).Str("id");
        var aliceDirect = (await tenant.SendAsync(alice, direct, "psst")).Str("id");
        return new World(tenant, alice, bob, group, direct, aliceMessage, bobMessage, aliceDirect);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?messages=anonymize")]
    public async Task Deleting_a_user_anonymizes_their_messages_by_default(string query)
    {
        var w = await SetUpAsync();
        await w.Tenant.Backend.DeleteAsync($"/server/v1/users/alice{query}").Expect(204);

        var message = await FindMessageAsync(w.Bob, w.Group, w.AliceMessage);
        Assert.Equal("hi from alice", message.Str("text"));
        Assert.False(HasValue(message, "deletedAt"));
        var sender = message.GetProperty("sender");
        Assert.Equal("Deleted user", sender.Str("name"));
        Assert.False(HasValue(sender, "username"), "an anonymized sender keeps no username");
        Assert.False(HasValue(sender, "email"));

        var direct = await FindMessageAsync(w.Bob, w.Direct, w.AliceDirectMessage);
        Assert.Equal("Deleted user", direct.GetProperty("sender").Str("name"));

        var bobs = await FindMessageAsync(w.Bob, w.Group, w.BobMessage);
        Assert.Equal("bob", bobs.GetProperty("sender").Str("name"));

        await AssertGoneAsync(w);
    }

    [Fact]
    public async Task Recreating_a_deleted_users_id_does_not_reattribute_their_anonymized_messages()
    {
        var w = await SetUpAsync();
        await w.Tenant.Backend.DeleteAsync("/server/v1/users/alice?messages=anonymize").Expect(204);
        Assert.Equal("Deleted user", (await FindMessageAsync(w.Bob, w.Group, w.AliceMessage)).GetProperty("sender").Str("name"));

        // The tenant reuses the ID for a new account; the erased person's messages must stay anonymous.
        await w.Tenant.Backend.PutJsonAsync("/server/v1/users/alice", new { name = "New Alice", username = "new_alice" }).ExpectJson(200, 201);

        var sender = (await FindMessageAsync(w.Bob, w.Group, w.AliceMessage)).GetProperty("sender");
        Assert.Equal("Deleted user", sender.Str("name"));
        Assert.False(HasValue(sender, "username"));
        var direct = (await FindMessageAsync(w.Bob, w.Direct, w.AliceDirectMessage)).GetProperty("sender");
        Assert.Equal("Deleted user", direct.Str("name"));
    }

    [Fact]
    public async Task Deleting_with_messages_delete_leaves_tombstones()
    {
        var w = await SetUpAsync();
        await w.Tenant.Backend.DeleteAsync("/server/v1/users/alice?messages=delete").Expect(204);

        foreach (var (conversation, id) in new[] { (w.Group, w.AliceMessage), (w.Direct, w.AliceDirectMessage) })
        {
            var tombstone = await FindMessageAsync(w.Bob, conversation, id);
            Assert.True(HasValue(tombstone, "deletedAt"), "the deleted user's message should be a tombstone");
            Assert.True(string.IsNullOrEmpty(tombstone.StrOrNull("text")), "a tombstone has no text");
            Assert.Empty(tombstone.GetProperty("attachments").EnumerateArray());
            Assert.Empty(tombstone.GetProperty("reactions").EnumerateArray());
        }

        var bobs = await FindMessageAsync(w.Bob, w.Group, w.BobMessage);
        Assert.Equal("hi from bob", bobs.Str("text"));
        Assert.False(HasValue(bobs, "deletedAt"));

        var deletedEvents = (await server.ReadAsync(w.Tenant.Id)).Where(e => e.Type == "message.deleted").Select(e => e.Payload).ToList();
        Assert.Contains(deletedEvents, p => p.Contains(w.AliceMessage, StringComparison.Ordinal));
        Assert.Contains(deletedEvents, p => p.Contains(w.AliceDirectMessage, StringComparison.Ordinal));

        // Tombstones do not count as unread for the others.
        var unread = await w.Bob.GetAsync("/v1/unread").ExpectJson(200);
        Assert.Equal(0, unread.GetProperty("totalUnread").GetInt64());

        await AssertGoneAsync(w);
    }

    [Fact]
    public async Task Deleting_with_messages_keep_keeps_the_sender_and_text()
    {
        var w = await SetUpAsync();
        await w.Tenant.Backend.DeleteAsync("/server/v1/users/alice?messages=keep").Expect(204);

        var message = await FindMessageAsync(w.Bob, w.Group, w.AliceMessage);
        Assert.Equal("hi from alice", message.Str("text"));
        Assert.False(HasValue(message, "deletedAt"));
        Assert.Equal("alice", message.GetProperty("sender").Str("id"));
        Assert.Equal("Alice", message.GetProperty("sender").Str("name"));

        await AssertGoneAsync(w);
    }

    [Theory]
    [InlineData("purge")]
    [InlineData("KEEP")]
    [InlineData("keep,delete")]
    public async Task An_unknown_messages_mode_is_refused_and_changes_nothing(string mode)
    {
        var w = await SetUpAsync();
        var position = await server.LastPositionAsync(w.Tenant.Id);

        await w.Tenant.Backend.DeleteAsync($"/server/v1/users/alice?messages={Uri.EscapeDataString(mode)}").ExpectProblem(400);

        Assert.Equal(position, await server.LastPositionAsync(w.Tenant.Id));
        Assert.Equal("Alice", (await w.Tenant.Backend.GetAsync("/server/v1/users/alice").ExpectJson(200)).Str("name"));
        Assert.Equal("alice", (await w.Alice.GetAsync("/v1/me").ExpectJson(200)).Str("id"));
        var detail = await w.Bob.GetAsync($"/v1/conversations/{w.Group}").ExpectJson(200);
        Assert.Contains(detail.GetProperty("members").EnumerateArray(), m => m.GetProperty("user").Str("id") == "alice");
    }

    [Fact]
    public async Task Deleting_an_unknown_user_is_404()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.Backend.DeleteAsync("/server/v1/users/nobody").ExpectProblem(404, "USER_NOT_FOUND");
        await tenant.Backend.DeleteAsync("/server/v1/users/nobody?messages=delete").ExpectProblem(404, "USER_NOT_FOUND");
    }

    [Fact]
    public async Task Deleting_a_user_twice_is_404_the_second_time()
    {
        var w = await SetUpAsync();
        await w.Tenant.Backend.DeleteAsync("/server/v1/users/alice").Expect(204);
        await w.Tenant.Backend.DeleteAsync("/server/v1/users/alice").ExpectProblem(404, "USER_NOT_FOUND");
    }

    [Fact]
    public async Task A_deleted_user_cannot_be_given_a_new_session_or_be_added_to_a_conversation()
    {
        var w = await SetUpAsync();
        await w.Tenant.Backend.DeleteAsync("/server/v1/users/alice").Expect(204);
        await w.Tenant.Backend.PostJsonAsync("/server/v1/sessions", new { userId = "alice" }).ExpectProblem(404, "USER_NOT_FOUND");
        var response = await w.Bob.PostJsonAsync($"/v1/conversations/{w.Group}/members", new { userIds = new List<string> { "alice" } });
        Assert.True((int)response.StatusCode is 400 or 404, $"adding a deleted user gave {(int)response.StatusCode}");
    }

    /// <summary>After deletion: no user, no sessions, no API-key impersonation, no memberships.</summary>
    private async Task AssertGoneAsync(World w)
    {
        await w.Tenant.Backend.GetAsync("/server/v1/users/alice").ExpectProblem(404, "USER_NOT_FOUND");
        Assert.DoesNotContain((await w.Tenant.Backend.GetAsync("/server/v1/users").ExpectJson(200)).Items(), u => u.Str("id") == "alice");
        Assert.DoesNotContain((await w.Bob.GetAsync("/v1/users?q=alice").ExpectJson(200)).Items(), u => u.Str("id") == "alice");

        await w.Alice.GetAsync("/v1/me").ExpectProblem(401);
        await w.Alice.GetAsync("/v1/conversations").ExpectProblem(401);
        await server.ActingAs(w.Tenant.ApiKey, "alice").GetAsync("/v1/me").ExpectProblem(401);

        var group = await w.Bob.GetAsync($"/v1/conversations/{w.Group}").ExpectJson(200);
        Assert.DoesNotContain(group.GetProperty("members").EnumerateArray(), m => m.GetProperty("user").Str("id") == "alice");
        Assert.DoesNotContain(group.GetProperty("participants").EnumerateArray(), p => p.Str("id") == "alice");
        Assert.Equal(2, group.GetProperty("memberCount").GetInt32());

        var members = await w.Bob.GetAsync($"/v1/conversations/{w.Group}/members").ExpectJson(200);
        Assert.DoesNotContain(members.Items(), m => m.GetProperty("user").Str("id") == "alice");

        var removed = (await server.ReadAsync(w.Tenant.Id)).Where(e => e.Type == "conversation.member.removed").ToList();
        Assert.Contains(removed, e => e.ConversationId == w.Group && e.Payload.Contains("\"alice\"", StringComparison.Ordinal));
        Assert.Contains(removed, e => e.ConversationId == w.Direct && e.Payload.Contains("\"alice\"", StringComparison.Ordinal));
    }

    private static async Task<JsonElement> FindMessageAsync(HttpClient reader, string conversationId, string messageId)
    {
        var page = await reader.GetAsync($"/v1/conversations/{conversationId}/messages?limit=200").ExpectJson(200);
        return Assert.Single(page.Items(), m => m.Str("id") == messageId);
    }

    private async Task<HttpClient> SessionOfExistingAsync(TestTenant tenant, string userId)
    {
        var session = await tenant.Backend.PostJsonAsync("/server/v1/sessions", new { userId }).ExpectJson(201);
        return server.WithSession(session.Str("token"));
    }

    private static bool HasValue(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null;
}
