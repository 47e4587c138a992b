using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Conversations;

/// <summary>
/// Adding and removing members: only owner, admin and moderator manage members, a manager acts only on
/// members ranked below it, nobody but the owner acts on the owner, and direct conversations have no
/// member management. Each rule is checked allowed and refused; a refusal changes nothing.
/// </summary>
public sealed class MemberManagementTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Theory]
    [InlineData("alice")]
    [InlineData("adam")]
    [InlineData("mo")]
    public async Task Owner_admin_and_moderator_add_members(string actor)
    {
        var group = await GroupAsync();
        await group.Tenant.UpsertUserAsync("newbie");
        var position = await server.LastPositionAsync(group.Tenant.Id);

        var added = await group[actor].PostJsonAsync($"/v1/conversations/{group.Id}/members", new { userIds = Ids("newbie") }).ExpectJson(201);

        var member = Assert.Single(added.EnumerateArray());
        Assert.Equal("newbie", member.GetProperty("user").Str("id"));
        Assert.Equal("member", member.Str("role"));
        Assert.Equal(10, (await group["alice"].GetAsync($"/v1/conversations/{group.Id}").ExpectJson(200)).GetProperty("memberCount").GetInt32());
        Assert.Contains(group.Id, await ListAsync(await group.Tenant.SessionAsync("newbie")));
        var addedEvent = Assert.Single(await server.ReadAsync(group.Tenant.Id, position), e => e.Type == "conversation.member.added");
        Assert.Equal(group.Id, addedEvent.ConversationId);
        using var payload = JsonDocument.Parse(addedEvent.Payload);
        Assert.Equal("newbie", payload.RootElement.GetProperty("member").GetProperty("user").Str("id"));
    }

    [Theory]
    [InlineData("mia")]
    [InlineData("gus")]
    public async Task Members_and_guests_cannot_add_others(string actor)
    {
        var group = await GroupAsync();
        await group.Tenant.UpsertUserAsync("newbie");

        await group.ExpectRefusedAsync(() => group[actor].PostJsonAsync($"/v1/conversations/{group.Id}/members", new { userIds = Ids("newbie") }),
            403, "MISSING_PERMISSION");

        await (await group.Tenant.SessionAsync("newbie")).GetAsync($"/v1/conversations/{group.Id}").ExpectProblem(404);
    }

    [Fact]
    public async Task A_member_granted_invite_members_may_add_others()
    {
        var group = await GroupAsync();
        await group.Tenant.UpsertUserAsync("newbie");
        await group["alice"].PatchJsonAsync($"/v1/conversations/{group.Id}/members/mia", new { permissions = Ids("send_messages", "invite_members") }).ExpectJson(200);

        await group["mia"].PostJsonAsync($"/v1/conversations/{group.Id}/members", new { userIds = Ids("newbie") }).ExpectJson(201);
    }

    [Fact]
    public async Task Adding_an_unknown_user_is_USER_NOT_FOUND_and_adds_nobody()
    {
        var group = await GroupAsync();
        await group.Tenant.UpsertUserAsync("real");

        await group.ExpectRefusedAsync(() => group["alice"].PostJsonAsync($"/v1/conversations/{group.Id}/members", new { userIds = Ids("real", "ghost") }),
            400, "USER_NOT_FOUND");
    }

    [Theory]
    [InlineData("""{"userIds": []}""")]
    [InlineData("""{"userIds": ["bad id!"]}""")]
    [InlineData("""{"userIds": "mia"}""")]
    [InlineData("""{}""")]
    public async Task A_malformed_add_is_a_400_and_changes_nothing(string body)
    {
        var group = await GroupAsync();

        await group.ExpectRefusedAsync(() => group["alice"].SendRawAsync(HttpMethod.Post, $"/v1/conversations/{group.Id}/members", body), 400, null);
    }

    [Fact]
    public async Task Adding_someone_who_is_already_a_member_adds_nothing()
    {
        var group = await GroupAsync();
        var position = await server.LastPositionAsync(group.Tenant.Id);

        var added = await group["alice"].PostJsonAsync($"/v1/conversations/{group.Id}/members", new { userIds = Ids("mia") }).ExpectJson(200, 201);

        Assert.Equal(0, added.GetArrayLength());
        Assert.Equal(9, (await group["alice"].GetAsync($"/v1/conversations/{group.Id}").ExpectJson(200)).GetProperty("memberCount").GetInt32());
        Assert.Equal("member", RoleGroup.RoleOf(await group["alice"].GetAsync($"/v1/conversations/{group.Id}").ExpectJson(200), "mia"));
        Assert.DoesNotContain(await server.ReadAsync(group.Tenant.Id, position), e => e.Type == "conversation.member.added");
    }

    [Theory]
    [InlineData("alice", "adam")]
    [InlineData("alice", "mo")]
    [InlineData("alice", "mia")]
    [InlineData("adam", "mo")]
    [InlineData("adam", "mia")]
    [InlineData("adam", "gus")]
    [InlineData("mo", "mia")]
    [InlineData("mo", "gus")]
    public async Task A_manager_removes_a_member_ranked_below_it(string actor, string target)
    {
        var group = await GroupAsync();
        var position = await server.LastPositionAsync(group.Tenant.Id);

        await group[actor].DeleteAsync($"/v1/conversations/{group.Id}/members/{target}").Expect(204);

        var detail = await group["alice"].GetAsync($"/v1/conversations/{group.Id}").ExpectJson(200);
        Assert.Null(RoleGroup.RoleOf(detail, target));
        Assert.Equal(8, detail.GetProperty("memberCount").GetInt32());
        await group[target].GetAsync($"/v1/conversations/{group.Id}").ExpectProblem(404);
        var removed = Assert.Single(await server.ReadAsync(group.Tenant.Id, position), e => e.Type == "conversation.member.removed");
        Assert.Equal(group.Id, removed.ConversationId);
        using var payload = JsonDocument.Parse(removed.Payload);
        Assert.Equal(target, payload.RootElement.Str("userId"));
    }

    [Theory]
    [InlineData("adam", "alice", "OWNER_ONLY")]
    [InlineData("mo", "alice", "OWNER_ONLY")]
    [InlineData("mia", "alice", "OWNER_ONLY")]
    [InlineData("adam", "ada", "RANK_TOO_LOW")]
    [InlineData("mo", "adam", "RANK_TOO_LOW")]
    [InlineData("mo", "max", "RANK_TOO_LOW")]
    [InlineData("mia", "mel", null)]
    [InlineData("mia", "gus", null)]
    [InlineData("gus", "gil", null)]
    public async Task A_member_cannot_remove_someone_it_may_not_act_on(string actor, string target, string? code)
    {
        var group = await GroupAsync();

        await group.ExpectRefusedAsync(() => group[actor].DeleteAsync($"/v1/conversations/{group.Id}/members/{target}"), 403, code);

        await group[target].GetAsync($"/v1/conversations/{group.Id}").Expect(200);
    }

    [Fact]
    public async Task A_moderator_stripped_of_manage_members_cannot_remove_anyone()
    {
        var group = await GroupAsync();
        await group["alice"].PatchJsonAsync($"/v1/conversations/{group.Id}/members/mo", new { permissions = Ids("send_messages", "manage_messages") }).ExpectJson(200);

        await group.ExpectRefusedAsync(() => group["mo"].DeleteAsync($"/v1/conversations/{group.Id}/members/mia"), 403, "MISSING_PERMISSION");
    }

    [Fact]
    public async Task Removing_someone_who_is_not_a_member_is_MEMBER_NOT_FOUND()
    {
        var group = await GroupAsync();
        await group.Tenant.UpsertUserAsync("stranger");

        await group.ExpectRefusedAsync(() => group["alice"].DeleteAsync($"/v1/conversations/{group.Id}/members/stranger"), 404, "MEMBER_NOT_FOUND");
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("mo")]
    [InlineData("mia")]
    [InlineData("gus")]
    public async Task Any_member_may_leave(string who)
    {
        var group = await GroupAsync();
        var position = await server.LastPositionAsync(group.Tenant.Id);

        await group[who].DeleteAsync($"/v1/conversations/{group.Id}/members/{who}").Expect(204);

        await group[who].GetAsync($"/v1/conversations/{group.Id}").ExpectProblem(404);
        Assert.DoesNotContain(group.Id, await ListAsync(group[who]));
        var detail = await group["alice"].GetAsync($"/v1/conversations/{group.Id}").ExpectJson(200);
        Assert.Equal(8, detail.GetProperty("memberCount").GetInt32());
        Assert.Equal("alice", detail.Str("ownerId"));
        Assert.Contains(await server.ReadAsync(group.Tenant.Id, position), e => e.Type == "conversation.member.removed" && e.Payload.Contains($"\"{who}\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_direct_conversation_has_no_member_management()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        await tenant.UpsertUserAsync("carol");
        var id = await tenant.CreateConversationAsync(alice, "direct", "bob");
        var before = await RoleGroup.SnapshotAsync(alice, id);
        var position = await server.LastPositionAsync(tenant.Id);

        await alice.PostJsonAsync($"/v1/conversations/{id}/members", new { userIds = Ids("carol") }).ExpectProblem(403, "DIRECT_CONVERSATION");
        await alice.PatchJsonAsync($"/v1/conversations/{id}/members/bob", new { role = "admin" }).ExpectProblem(403, "DIRECT_CONVERSATION");
        await alice.PatchJsonAsync($"/v1/conversations/{id}/members/bob", new { mutedUntil = server.Clock.GetUtcNow().AddHours(1) }).ExpectProblem(403, "DIRECT_CONVERSATION");
        await bob.PatchJsonAsync($"/v1/conversations/{id}/members/alice", new { bannedUntil = server.Clock.GetUtcNow().AddHours(1) }).ExpectProblem(403, "DIRECT_CONVERSATION");
        await alice.DeleteAsync($"/v1/conversations/{id}/members/bob").ExpectProblem(403, "DIRECT_CONVERSATION");
        await bob.DeleteAsync($"/v1/conversations/{id}/members/bob").ExpectProblem(403, "DIRECT_CONVERSATION");

        Assert.Equal(before, await RoleGroup.SnapshotAsync(alice, id));
        Assert.Equal(position, await server.LastPositionAsync(tenant.Id));
        await tenant.SendAsync(bob, id, "still both here");
    }

    /// <summary>
    /// A group owned by alice: admins adam and ada, moderators mo and max, members mia and mel, guests gus and gil,
    /// each with a session.
    /// </summary>
    private Task<RoleGroup> GroupAsync() =>
        RoleGroup.CreateAsync(server, ("adam", "admin"), ("ada", "admin"), ("mo", "moderator"), ("max", "moderator"), ("mia", "member"), ("mel", "member"), ("gus", "guest"), ("gil", "guest"));


    private static async Task<string[]> ListAsync(HttpClient client) =>
        (await client.GetAsync("/v1/conversations?limit=200").ExpectJson(200)).Items().Select(c => c.Str("id")).ToArray();

    private static string[] Ids(params string[] ids) => ids;
}
