using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Conversations;

/// <summary>
/// Ownership: the owner hands it on with role "owner"; when the owner leaves it passes to the longest-standing
/// admin, else the longest-standing member; when the last member leaves the conversation is deleted.
/// </summary>
public sealed class OwnershipTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task The_owner_transfers_ownership_with_role_owner_and_becomes_an_admin()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob, carol) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"), await tenant.SessionAsync("carol"));
        var id = await tenant.CreateConversationAsync(alice, "group", "bob", "carol");
        var position = await server.LastPositionAsync(tenant.Id);

        var newOwner = await alice.PatchJsonAsync($"/v1/conversations/{id}/members/bob", new { role = "owner" }).ExpectJson(200);

        Assert.Equal("owner", newOwner.Str("role"));
        var detail = await carol.GetAsync($"/v1/conversations/{id}").ExpectJson(200);
        Assert.Equal("bob", detail.Str("ownerId"));
        Assert.Equal("owner", RoleOf(detail, "bob"));
        Assert.Equal("admin", RoleOf(detail, "alice"));
        Assert.Equal(1, detail.GetProperty("members").EnumerateArray().Count(m => m.Str("role") == "owner"));
        Assert.Contains("alice", AdminIds(detail));
        Assert.Equal("admin", (await alice.GetAsync($"/v1/conversations/{id}").ExpectJson(200)).Str("myRole"));
        Assert.Equal("owner", (await bob.GetAsync($"/v1/conversations/{id}").ExpectJson(200)).Str("myRole"));
        var events = await server.ReadAsync(tenant.Id, position);
        Assert.Contains(events, e => e.Type == "conversation.member.updated" && MemberIn(e) == ("bob", "owner"));
        Assert.Contains(events, e => e.Type == "conversation.member.updated" && MemberIn(e) == ("alice", "admin"));
        Assert.Contains(events, e => e.Type == "conversation.updated" && e.ConversationId == id);
    }

    [Fact]
    public async Task After_a_transfer_the_former_owner_no_longer_acts_on_the_new_owner_but_the_new_owner_acts_on_everyone()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var id = await tenant.CreateConversationAsync(alice, "group", "bob");
        await alice.PatchJsonAsync($"/v1/conversations/{id}/members/bob", new { role = "owner" }).ExpectJson(200);

        await alice.DeleteAsync($"/v1/conversations/{id}/members/bob").ExpectProblem(403, "OWNER_ONLY");
        await alice.PatchJsonAsync($"/v1/conversations/{id}/members/bob", new { role = "member" }).ExpectProblem(403, "OWNER_ONLY");
        await alice.DeleteAsync($"/v1/conversations/{id}").Expect(204);
        await bob.GetAsync($"/v1/conversations/{id}").Expect(200);

        await bob.PatchJsonAsync($"/v1/conversations/{id}/members/alice", new { role = "member" }).ExpectJson(200);
        await bob.DeleteAsync($"/v1/conversations/{id}").Expect(204);
        await alice.GetAsync($"/v1/conversations/{id}").ExpectProblem(404);
    }

    [Fact]
    public async Task The_new_owner_after_a_transfer_has_every_permission()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        await tenant.UpsertUserAsync("carol");
        var id = await tenant.CreateConversationAsync(alice, "group", "bob", "carol");
        await alice.PatchJsonAsync($"/v1/conversations/{id}/members/bob", new { permissions = Ids("send_messages") }).ExpectJson(200);

        var owner = await alice.PatchJsonAsync($"/v1/conversations/{id}/members/bob", new { role = "owner" }).ExpectJson(200);

        // Nobody else may act on the owner and nobody changes their own permissions, so a restricted owner could never be fixed.
        Assert.Equal("owner", owner.Str("role"));
        await bob.PatchJsonAsync($"/v1/conversations/{id}", new { title = "Mine" }).ExpectJson(200);
        await bob.DeleteAsync($"/v1/conversations/{id}/members/carol").Expect(204);
        var detail = await bob.GetAsync($"/v1/conversations/{id}").ExpectJson(200);
        Assert.Equal(8, Assert.Single(detail.GetProperty("members").EnumerateArray(), m => m.GetProperty("user").Str("id") == "bob").GetProperty("permissions").GetArrayLength());
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("moderator")]
    [InlineData("member")]
    public async Task Only_the_owner_hands_on_ownership(string role)
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        await tenant.UpsertUserAsync("carol");
        var id = await tenant.CreateConversationAsync(alice, "group", "bob", "carol");
        if (role != "member") await alice.PatchJsonAsync($"/v1/conversations/{id}/members/bob", new { role }).ExpectJson(200);
        var before = await SnapshotAsync(alice, id);
        var position = await server.LastPositionAsync(tenant.Id);

        await bob.PatchJsonAsync($"/v1/conversations/{id}/members/carol", new { role = "owner" }).ExpectProblem(403);
        await bob.PatchJsonAsync($"/v1/conversations/{id}/members/bob", new { role = "owner" }).ExpectProblem(403);

        Assert.Equal(before, await SnapshotAsync(alice, id));
        Assert.Equal(position, await server.LastPositionAsync(tenant.Id));
    }

    [Fact]
    public async Task When_the_owner_leaves_the_longest_standing_admin_becomes_owner()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var people = await JoinOneByOneAsync(tenant, alice, "early_member", "first_admin", "second_admin", "late_member");
        var id = people.Id;
        await alice.PatchJsonAsync($"/v1/conversations/{id}/members/second_admin", new { role = "admin" }).ExpectJson(200);
        await alice.PatchJsonAsync($"/v1/conversations/{id}/members/first_admin", new { role = "admin" }).ExpectJson(200);
        var position = await server.LastPositionAsync(tenant.Id);

        await alice.DeleteAsync($"/v1/conversations/{id}/members/alice").Expect(204);

        var detail = await people.Clients["late_member"].GetAsync($"/v1/conversations/{id}").ExpectJson(200);
        Assert.Equal("first_admin", detail.Str("ownerId"));
        Assert.Equal("owner", RoleOf(detail, "first_admin"));
        Assert.Equal("admin", RoleOf(detail, "second_admin"));
        Assert.Equal("member", RoleOf(detail, "early_member"));
        Assert.Equal(4, detail.GetProperty("memberCount").GetInt32());
        await alice.GetAsync($"/v1/conversations/{id}").ExpectProblem(404);
        var events = await server.ReadAsync(tenant.Id, position);
        Assert.Contains(events, e => e.Type == "conversation.member.removed" && e.ConversationId == id);
        Assert.Contains(events, e => e.Type == "conversation.member.updated" && MemberIn(e) == ("first_admin", "owner"));
        await people.Clients["first_admin"].DeleteAsync($"/v1/conversations/{id}/members/second_admin").Expect(204);
    }

    [Fact]
    public async Task When_the_owner_leaves_without_admins_the_longest_standing_member_becomes_owner()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var people = await JoinOneByOneAsync(tenant, alice, "zoe", "mod", "yann");
        var id = people.Id;
        await alice.PatchJsonAsync($"/v1/conversations/{id}/members/mod", new { role = "moderator" }).ExpectJson(200);

        await alice.DeleteAsync($"/v1/conversations/{id}/members/alice").Expect(204);

        var detail = await people.Clients["yann"].GetAsync($"/v1/conversations/{id}").ExpectJson(200);
        Assert.Equal("zoe", detail.Str("ownerId"));
        Assert.Equal("owner", RoleOf(detail, "zoe"));
        Assert.Equal("moderator", RoleOf(detail, "mod"));
        Assert.Equal("owner", (await people.Clients["zoe"].GetAsync($"/v1/conversations/{id}").ExpectJson(200)).Str("myRole"));
        await people.Clients["zoe"].PatchJsonAsync($"/v1/conversations/{id}", new { title = "Zoe's now" }).ExpectJson(200);
    }

    [Fact]
    public async Task Deleting_the_owners_user_account_hands_ownership_on_like_leaving()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var people = await JoinOneByOneAsync(tenant, alice, "member_one", "admin_one");
        await alice.PatchJsonAsync($"/v1/conversations/{people.Id}/members/admin_one", new { role = "admin" }).ExpectJson(200);

        await tenant.Backend.DeleteAsync("/server/v1/users/alice").Expect(204);

        var detail = await people.Clients["member_one"].GetAsync($"/v1/conversations/{people.Id}").ExpectJson(200);
        Assert.Equal("admin_one", detail.Str("ownerId"));
        Assert.Equal("owner", RoleOf(detail, "admin_one"));
        Assert.Equal(2, detail.GetProperty("memberCount").GetInt32());
    }

    [Fact]
    public async Task A_successor_who_had_a_custom_permissions_list_gets_the_owners_full_permissions()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var people = await JoinOneByOneAsync(tenant, alice, "heir", "other");
        await alice.PatchJsonAsync($"/v1/conversations/{people.Id}/members/heir", new { permissions = Ids("send_messages") }).ExpectJson(200);

        await alice.DeleteAsync($"/v1/conversations/{people.Id}/members/alice").Expect(204);

        var heir = Assert.Single((await people.Clients["heir"].GetAsync($"/v1/conversations/{people.Id}").ExpectJson(200)).GetProperty("members").EnumerateArray(),
            m => m.GetProperty("user").Str("id") == "heir");
        Assert.Equal("owner", heir.Str("role"));
        Assert.Equal(8, heir.GetProperty("permissions").GetArrayLength());
    }

    [Fact]
    public async Task When_the_last_member_leaves_the_conversation_is_deleted()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var id = await tenant.CreateConversationAsync(alice, "group", "bob");
        await tenant.SendAsync(bob, id, "bye");
        await alice.DeleteAsync($"/v1/conversations/{id}/members/alice").Expect(204);
        Assert.Equal("bob", (await bob.GetAsync($"/v1/conversations/{id}").ExpectJson(200)).Str("ownerId"));
        var position = await server.LastPositionAsync(tenant.Id);

        await bob.DeleteAsync($"/v1/conversations/{id}/members/bob").Expect(204);

        await bob.GetAsync($"/v1/conversations/{id}").ExpectProblem(404);
        Assert.Empty((await bob.GetAsync("/v1/conversations?archived=true").ExpectJson(200)).Items());
        await bob.PostJsonAsync($"/v1/conversations/{id}/members", new { userIds = Ids("bob") }).ExpectProblem(404);
        var events = await server.ReadAsync(tenant.Id, position);
        Assert.Contains(events, e => e.Type == "conversation.member.removed" && e.ConversationId == id);
        var deleted = Assert.Single(events, e => e.Type == "conversation.deleted");
        Assert.Equal(id, deleted.ConversationId);
    }

    [Fact]
    public async Task A_lone_owner_leaving_deletes_a_public_channel_and_frees_its_username()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var id = (await alice.PostJsonAsync("/v1/conversations", new { type = "channel", participantIds = Array.Empty<string>(), publicUsername = "solo" }).ExpectJson(201)).Str("id");

        await alice.DeleteAsync($"/v1/conversations/{id}/members/alice").Expect(204);

        await alice.GetAsync($"/v1/conversations/{id}").ExpectProblem(404);
        await alice.PostJsonAsync("/v1/conversations", new { type = "channel", participantIds = Array.Empty<string>(), publicUsername = "solo" }).ExpectJson(201);
    }

    /// <summary>A group owned by alice that the given users join one at a time, in order, each at a later instant.</summary>
    private async Task<(string Id, Dictionary<string, HttpClient> Clients)> JoinOneByOneAsync(TestTenant tenant, HttpClient owner, params string[] users)
    {
        var id = await tenant.CreateConversationAsync(owner, "group");
        var clients = new Dictionary<string, HttpClient>();
        foreach (var user in users)
        {
            clients[user] = await tenant.SessionAsync(user);
            server.Clock.Advance(TimeSpan.FromSeconds(1));
            await owner.PostJsonAsync($"/v1/conversations/{id}/members", new { userIds = Ids(user) }).ExpectJson(201);
        }
        return (id, clients);
    }

    private static (string, string) MemberIn(LoggedEvent e)
    {
        using var payload = JsonDocument.Parse(e.Payload);
        var member = payload.RootElement.GetProperty("member");
        return (member.GetProperty("user").Str("id"), member.Str("role"));
    }

    private static async Task<string> SnapshotAsync(HttpClient client, string id) =>
        (await client.GetAsync($"/v1/conversations/{id}").ExpectJson(200)).GetRawText();

    private static string RoleOf(JsonElement detail, string userId) =>
        Assert.Single(detail.GetProperty("members").EnumerateArray(), m => m.GetProperty("user").Str("id") == userId).Str("role");

    private static string[] AdminIds(JsonElement detail) => detail.GetProperty("adminIds").EnumerateArray().Select(a => a.GetString()!).ToArray();

    private static string[] Ids(params string[] ids) => ids;
}
