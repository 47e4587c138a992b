using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Conversations;

/// <summary>POST /v1/conversations: each type, the direct-conversation rules, participants and public usernames.</summary>
public sealed class ConversationCreateTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Creating_a_group_makes_the_creator_owner_and_the_participants_members()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob, _) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"), await tenant.SessionAsync("carol"));

        var created = await alice.PostJsonAsync("/v1/conversations", new
        {
            type = "group", participantIds = Ids("bob", "carol"), title = "Team", description = "Our team", metadata = new { color = "blue" },
        }).ExpectJson(201);

        Assert.Equal("group", created.Str("type"));
        Assert.Equal("Team", created.Str("title"));
        Assert.Equal("Our team", created.Str("description"));
        Assert.Equal("blue", created.GetProperty("metadata").Str("color"));
        Assert.Equal(3, created.GetProperty("memberCount").GetInt32());
        Assert.Equal("alice", created.Str("ownerId"));
        Assert.Equal("owner", created.Str("myRole"));
        Assert.False(created.GetProperty("readOnly").GetBoolean());
        Assert.Equal("alice bob carol", string.Join(' ', created.GetProperty("participants").EnumerateArray().Select(p => p.Str("id")).Order(StringComparer.Ordinal)));
        Assert.Equal("alice:owner bob:member carol:member", RolesOf(created));

        var seenByBob = await bob.GetAsync($"/v1/conversations/{created.Str("id")}").ExpectJson(200);
        Assert.Equal("member", seenByBob.Str("myRole"));
        Assert.Equal("Team", seenByBob.Str("title"));
    }

    [Theory]
    [InlineData("channel")]
    [InlineData("bot")]
    public async Task Each_non_direct_type_can_be_created_with_the_creator_as_owner(string type)
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");

        var created = await alice.PostJsonAsync("/v1/conversations", new { type, participantIds = Ids("bob"), title = "T" }).ExpectJson(201);

        Assert.Equal(type, created.Str("type"));
        Assert.Equal("alice", created.Str("ownerId"));
        Assert.Equal("owner", created.Str("myRole"));
        Assert.Equal(2, created.GetProperty("memberCount").GetInt32());
        var listed = Assert.Single((await alice.GetAsync("/v1/conversations").ExpectJson(200)).Items());
        Assert.Equal(created.Str("id"), listed.Str("id"));
    }

    [Fact]
    public async Task A_conversation_created_read_only_stays_read_only()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");

        var created = await alice.PostJsonAsync("/v1/conversations", new { type = "channel", participantIds = Array.Empty<string>(), readOnly = true })
            .ExpectJson(201);

        Assert.True(created.GetProperty("readOnly").GetBoolean());
        Assert.True((await alice.GetAsync($"/v1/conversations/{created.Str("id")}").ExpectJson(200)).GetProperty("readOnly").GetBoolean());
    }

    [Fact]
    public async Task A_direct_conversation_has_two_plain_members_and_no_owner_or_admins()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");

        var created = await alice.PostJsonAsync("/v1/conversations", new { type = "direct", participantIds = Ids("bob") }).ExpectJson(201);

        Assert.Equal("direct", created.Str("type"));
        Assert.Null(created.StrOrNull("ownerId"));
        Assert.Empty(AdminIds(created));
        Assert.Equal("member", created.Str("myRole"));
        Assert.Equal(2, created.GetProperty("memberCount").GetInt32());
        Assert.Equal("alice:member bob:member", RolesOf(created));
    }

    [Fact]
    public async Task A_direct_conversation_is_idempotent_per_pair_whoever_creates_it()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));

        var first = await alice.PostJsonAsync("/v1/conversations", new { type = "direct", participantIds = Ids("bob") }).ExpectJson(201);
        var after = await server.LastPositionAsync(tenant.Id);
        var again = await alice.PostJsonAsync("/v1/conversations", new { type = "direct", participantIds = Ids("bob") }).ExpectJson(200);
        var fromBob = await bob.PostJsonAsync("/v1/conversations", new { type = "direct", participantIds = Ids("alice") }).ExpectJson(200);
        var withSelfListed = await bob.PostJsonAsync("/v1/conversations", new { type = "direct", participantIds = Ids("bob", "alice") }).ExpectJson(200);

        Assert.Equal(first.Str("id"), again.Str("id"));
        Assert.Equal(first.Str("id"), fromBob.Str("id"));
        Assert.Equal(first.Str("id"), withSelfListed.Str("id"));
        Assert.Single((await alice.GetAsync("/v1/conversations?type=direct").ExpectJson(200)).Items());
        Assert.Single((await bob.GetAsync("/v1/conversations?type=direct").ExpectJson(200)).Items());
        Assert.DoesNotContain(await server.ReadAsync(tenant.Id, after), e => e.Type == "conversation.created");
    }

    [Fact]
    public async Task Concurrent_direct_creates_for_one_pair_yield_one_conversation()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? alice : bob)
            .PostJsonAsync("/v1/conversations", new { type = "direct", participantIds = Ids(i % 2 == 0 ? "bob" : "alice") }).ExpectJson(200, 201)));

        Assert.Single(results.Select(r => r.Str("id")).Distinct());
        Assert.Single((await alice.GetAsync("/v1/conversations").ExpectJson(200)).Items());
        Assert.Single(await server.ReadAsync(tenant.Id), e => e.Type == "conversation.created");
    }

    [Fact]
    public async Task Concurrent_creates_with_one_public_username_let_exactly_one_win()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");

        var statuses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            using var response = await alice.PostJsonAsync("/v1/conversations", new { type = "channel", participantIds = Array.Empty<string>(), publicUsername = "race" });
            return (int)response.StatusCode;
        }));

        Assert.Equal(1, statuses.Count(s => s == 201));
        Assert.Equal(7, statuses.Count(s => s == 409));
        Assert.Single((await alice.GetAsync("/v1/conversations").ExpectJson(200)).Items());
    }

    [Fact]
    public async Task Direct_conversations_of_different_pairs_are_different()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var bob = await tenant.SessionAsync("bob");
        await tenant.UpsertUserAsync("carol");

        var withBob = await tenant.CreateConversationAsync(alice, "direct", "bob");
        var withCarol = await tenant.CreateConversationAsync(alice, "direct", "carol");
        var bobCarol = await tenant.CreateConversationAsync(bob, "direct", "carol");

        Assert.Equal(3, Ids(withBob, withCarol, bobCarol).Distinct().Count());
        Assert.Equal(2, (await alice.GetAsync("/v1/conversations").ExpectJson(200)).Items().Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("alice")]
    [InlineData("bob,carol")]
    [InlineData("alice,bob,carol")]
    public async Task A_direct_conversation_needs_exactly_one_other_participant(string participants)
    {
        var participantIds = participants.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");
        await tenant.UpsertUserAsync("carol");
        var before = await server.LastPositionAsync(tenant.Id);

        await alice.PostJsonAsync("/v1/conversations", new { type = "direct", participantIds }).ExpectProblem(400);

        Assert.Empty((await alice.GetAsync("/v1/conversations").ExpectJson(200)).Items());
        Assert.Equal(before, await server.LastPositionAsync(tenant.Id));
    }

    [Theory]
    [InlineData("direct")]
    [InlineData("group")]
    [InlineData("channel")]
    public async Task Unknown_participants_are_rejected_with_USER_NOT_FOUND(string type)
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");
        var before = await server.LastPositionAsync(tenant.Id);
        var participantIds = type == "direct" ? Ids("ghost") : Ids("bob", "ghost");

        await alice.PostJsonAsync("/v1/conversations", new { type, participantIds, title = "x" }).ExpectProblem(400, "USER_NOT_FOUND");

        Assert.Empty((await alice.GetAsync("/v1/conversations").ExpectJson(200)).Items());
        Assert.Equal(before, await server.LastPositionAsync(tenant.Id));
    }

    [Fact]
    public async Task A_user_of_another_tenant_is_an_unknown_participant()
    {
        var tenant = await server.NewTenantAsync();
        var other = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await other.UpsertUserAsync("zed");

        await alice.PostJsonAsync("/v1/conversations", new { type = "direct", participantIds = Ids("zed") }).ExpectProblem(400, "USER_NOT_FOUND");
    }

    [Fact]
    public async Task A_deleted_user_is_an_unknown_participant()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("gone");
        await tenant.Backend.DeleteAsync("/server/v1/users/gone").Expect(204);

        await alice.PostJsonAsync("/v1/conversations", new { type = "direct", participantIds = Ids("gone") }).ExpectProblem(400, "USER_NOT_FOUND");
        await alice.PostJsonAsync("/v1/conversations", new { type = "group", participantIds = Ids("gone") }).ExpectProblem(400, "USER_NOT_FOUND");
    }

    [Theory]
    [InlineData("sms")]
    [InlineData("Group")]
    [InlineData("")]
    public async Task An_unknown_type_is_rejected(string type)
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");

        await alice.PostJsonAsync("/v1/conversations", new { type, participantIds = Array.Empty<string>() }).ExpectProblem(400);

        Assert.Empty((await alice.GetAsync("/v1/conversations").ExpectJson(200)).Items());
    }

    [Fact]
    public async Task A_channel_takes_a_public_username()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");

        var created = await alice.PostJsonAsync("/v1/conversations", new { type = "channel", participantIds = Array.Empty<string>(), title = "News", publicUsername = "news_room" })
            .ExpectJson(201);

        Assert.Equal("news_room", created.Str("publicUsername"));
        Assert.Equal("news_room", (await alice.GetAsync($"/v1/conversations/{created.Str("id")}").ExpectJson(200)).Str("publicUsername"));
    }

    [Theory]
    [InlineData("group")]
    [InlineData("bot")]
    [InlineData("direct")]
    public async Task A_public_username_is_only_for_channels(string type)
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");

        await alice.PostJsonAsync("/v1/conversations", new { type, participantIds = Ids("bob"), publicUsername = "not_a_channel" }).ExpectProblem(400);

        Assert.Empty((await alice.GetAsync("/v1/conversations").ExpectJson(200)).Items());
    }

    [Fact]
    public async Task A_public_username_is_unique_within_a_tenant_but_not_across_tenants()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var bob = await tenant.SessionAsync("bob");
        await alice.PostJsonAsync("/v1/conversations", new { type = "channel", participantIds = Array.Empty<string>(), publicUsername = "general" }).ExpectJson(201);
        var before = await server.LastPositionAsync(tenant.Id);

        await bob.PostJsonAsync("/v1/conversations", new { type = "channel", participantIds = Array.Empty<string>(), publicUsername = "general" })
            .ExpectProblem(409, "PUBLIC_USERNAME_TAKEN");
        await alice.PostJsonAsync("/v1/conversations", new { type = "channel", participantIds = Array.Empty<string>(), publicUsername = "general" })
            .ExpectProblem(409, "PUBLIC_USERNAME_TAKEN");
        await bob.PostJsonAsync("/v1/conversations", new { type = "channel", participantIds = Array.Empty<string>(), publicUsername = "General" })
            .ExpectProblem(409, "PUBLIC_USERNAME_TAKEN");

        Assert.Empty((await bob.GetAsync("/v1/conversations").ExpectJson(200)).Items());
        Assert.Equal(before, await server.LastPositionAsync(tenant.Id));

        var elsewhere = await server.NewTenantAsync();
        var otherAlice = await elsewhere.SessionAsync("alice");
        var created = await otherAlice.PostJsonAsync("/v1/conversations", new { type = "channel", participantIds = Array.Empty<string>(), publicUsername = "general" })
            .ExpectJson(201);
        Assert.Equal("general", created.Str("publicUsername"));
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("has space")]
    [InlineData("dash-ed")]
    [InlineData("@handle")]
    public async Task A_malformed_public_username_is_rejected(string publicUsername)
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");

        await alice.PostJsonAsync("/v1/conversations", new { type = "channel", participantIds = Array.Empty<string>(), publicUsername }).ExpectProblem(400);

        Assert.Empty((await alice.GetAsync("/v1/conversations").ExpectJson(200)).Items());
    }

    [Fact]
    public async Task Creating_appends_one_conversation_created_event_for_the_new_conversation()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");
        var before = await server.LastPositionAsync(tenant.Id);

        var id = await tenant.CreateConversationAsync(alice, "group", "bob");

        var created = Assert.Single(await server.ReadAsync(tenant.Id, before), e => e.Type == "conversation.created");
        Assert.Equal(id, created.ConversationId);
        using var payload = JsonDocument.Parse(created.Payload);
        Assert.Equal(id, payload.RootElement.Str("id"));
        Assert.Equal("group", payload.RootElement.Str("type"));
    }

    /// <summary>"user:role" of every member, sorted.</summary>
    private static string RolesOf(JsonElement conversation) =>
        string.Join(' ', conversation.GetProperty("members").EnumerateArray().Select(m => $"{m.GetProperty("user").Str("id")}:{m.Str("role")}").Order(StringComparer.Ordinal));

    private static string[] Ids(params string[] ids) => ids;

    private static string[] AdminIds(JsonElement conversation) =>
        conversation.TryGetProperty("adminIds", out var ids) && ids.ValueKind == JsonValueKind.Array
            ? ids.EnumerateArray().Select(i => i.GetString()!).ToArray()
            : [];
}
