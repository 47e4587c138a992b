using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Conversations;

/// <summary>
/// PATCH /v1/conversations/{id}/members/{userId} with role and permissions: only owner and admin change
/// roles or promote admins, nobody but the owner acts on the owner, a custom permissions list replaces the
/// role's defaults. Each rule is checked allowed and refused; a refusal changes nothing.
/// </summary>
public sealed class MemberRoleTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Theory]
    [InlineData("alice", "mia", "admin")]
    [InlineData("alice", "adam", "member")]
    [InlineData("alice", "mo", "admin")]
    [InlineData("alice", "mia", "guest")]
    [InlineData("adam", "mia", "moderator")]
    [InlineData("adam", "mia", "admin")]
    [InlineData("adam", "mo", "member")]
    [InlineData("adam", "gus", "member")]
    public async Task Owner_and_admins_change_roles_of_members_below_them(string actor, string target, string role)
    {
        var group = await GroupAsync();
        var position = await server.LastPositionAsync(group.Tenant.Id);

        var member = await group[actor].PatchJsonAsync($"/v1/conversations/{group.Id}/members/{target}", new { role }).ExpectJson(200);

        Assert.Equal(role, member.Str("role"));
        Assert.Equal(target, member.GetProperty("user").Str("id"));
        var detail = await group["alice"].GetAsync($"/v1/conversations/{group.Id}").ExpectJson(200);
        Assert.Equal(role, RoleGroup.RoleOf(detail, target));
        Assert.Equal(role == "admin", AdminIds(detail).Contains(target));
        Assert.Equal(role, (await group[target].GetAsync($"/v1/conversations/{group.Id}").ExpectJson(200)).Str("myRole"));
        var updated = Assert.Single(await server.ReadAsync(group.Tenant.Id, position), e => e.Type == "conversation.member.updated");
        Assert.Equal(group.Id, updated.ConversationId);
        using var payload = JsonDocument.Parse(updated.Payload);
        Assert.Equal(role, payload.RootElement.GetProperty("member").Str("role"));
    }

    [Theory]
    [InlineData("adam", "ada", "member", "RANK_TOO_LOW")]
    [InlineData("adam", "alice", "member", "OWNER_ONLY")]
    [InlineData("adam", "mia", "owner", "OWNER_ONLY")]
    [InlineData("adam", "adam", "owner", null)]
    [InlineData("mo", "mia", "moderator", "MISSING_PERMISSION")]
    [InlineData("mo", "gus", "member", "MISSING_PERMISSION")]
    [InlineData("mo", "mia", "admin", "MISSING_PERMISSION")]
    [InlineData("mo", "mo", "admin", null)]
    [InlineData("mia", "gus", "member", null)]
    [InlineData("mia", "mia", "admin", null)]
    [InlineData("gus", "gus", "member", null)]
    [InlineData("alice", "alice", "member", null)]
    public async Task Role_changes_outside_the_rules_are_refused(string actor, string target, string role, string? code)
    {
        var group = await GroupAsync();

        await group.ExpectRefusedAsync(() => group[actor].PatchJsonAsync($"/v1/conversations/{group.Id}/members/{target}", new { role }), 403, code);
    }

    [Fact]
    public async Task An_admin_stripped_of_manage_roles_cannot_change_roles()
    {
        var group = await GroupAsync();
        await group["alice"].PatchJsonAsync($"/v1/conversations/{group.Id}/members/adam", new { permissions = Ids("send_messages", "manage_members") }).ExpectJson(200);

        await group.ExpectRefusedAsync(() => group["adam"].PatchJsonAsync($"/v1/conversations/{group.Id}/members/mia", new { role = "moderator" }), 403, "MISSING_PERMISSION");
        await group["adam"].DeleteAsync($"/v1/conversations/{group.Id}/members/gus").Expect(204);
    }

    [Fact]
    public async Task A_custom_permissions_list_replaces_the_role_defaults_until_cleared()
    {
        var group = await GroupAsync();

        var custom = await group["adam"].PatchJsonAsync($"/v1/conversations/{group.Id}/members/mia", new { permissions = Ids("send_messages", "pin_messages") }).ExpectJson(200);
        Assert.Equal("pin_messages send_messages", PermissionsOf(custom));
        Assert.Equal("member", custom.Str("role"));
        Assert.Equal("pin_messages send_messages", PermissionsOf(RoleGroup.MemberOf(await group["mia"].GetAsync($"/v1/conversations/{group.Id}").ExpectJson(200), "mia")));

        var cleared = await group["adam"].PatchJsonAsync($"/v1/conversations/{group.Id}/members/mia", new { permissions = (string[]?)null }).ExpectJson(200);
        Assert.Equal("send_media send_messages", PermissionsOf(cleared));
    }

    [Fact]
    public async Task An_empty_permissions_list_takes_away_sending()
    {
        var group = await GroupAsync();
        await group.Tenant.SendAsync(group["mia"], group.Id, "before");

        await group["alice"].PatchJsonAsync($"/v1/conversations/{group.Id}/members/mia", new { permissions = Array.Empty<string>() }).ExpectJson(200);

        await group["mia"].PostJsonAsync($"/v1/conversations/{group.Id}/messages", new { text = "after" }).ExpectProblem(403, "MISSING_PERMISSION");
        Assert.Single((await group["alice"].GetAsync($"/v1/conversations/{group.Id}/messages").ExpectJson(200)).Items());
    }

    [Theory]
    [InlineData("mo")]
    [InlineData("mia")]
    public async Task Only_owner_and_admins_set_permissions(string actor)
    {
        var group = await GroupAsync();

        await group.ExpectRefusedAsync(
            () => group[actor].PatchJsonAsync($"/v1/conversations/{group.Id}/members/gus", new { permissions = Ids("send_messages", "manage_members") }), 403, null);
    }

    [Theory]
    [InlineData("""{"role": "king"}""")]
    [InlineData("""{"role": 3}""")]
    [InlineData("""{"permissions": ["send_messages", "rule_the_world"]}""")]
    [InlineData("""{"permissions": "send_messages"}""")]
    [InlineData("""{"mutedUntil": "soon"}""")]
    [InlineData("""{}""")]
    public async Task Bad_member_updates_are_a_400_and_change_nothing(string body)
    {
        var group = await GroupAsync();

        await group.ExpectRefusedAsync(() => group["alice"].SendRawAsync(HttpMethod.Patch, $"/v1/conversations/{group.Id}/members/mia", body), 400, null);
    }

    [Fact]
    public async Task Updating_someone_who_is_not_a_member_is_MEMBER_NOT_FOUND()
    {
        var group = await GroupAsync();
        await group.Tenant.UpsertUserAsync("stranger");

        await group.ExpectRefusedAsync(() => group["alice"].PatchJsonAsync($"/v1/conversations/{group.Id}/members/stranger", new { role = "admin" }), 404, "MEMBER_NOT_FOUND");
    }

    [Theory]
    [InlineData("alice", "mia")]
    [InlineData("mo", "gus")]
    public async Task A_manager_sets_a_member_title(string actor, string target)
    {
        var group = await GroupAsync();

        var member = await group[actor].PatchJsonAsync($"/v1/conversations/{group.Id}/members/{target}", new { title = "Scribe" }).ExpectJson(200);

        Assert.Equal("Scribe", member.Str("title"));
        Assert.Equal("Scribe", RoleGroup.MemberOf(await group["alice"].GetAsync($"/v1/conversations/{group.Id}").ExpectJson(200), target).Str("title"));
    }

    [Theory]
    [InlineData("mia", "gus")]
    [InlineData("mo", "adam")]
    [InlineData("adam", "alice")]
    public async Task A_member_title_is_set_only_by_a_manager_ranked_above_the_target(string actor, string target)
    {
        var group = await GroupAsync();

        await group.ExpectRefusedAsync(() => group[actor].PatchJsonAsync($"/v1/conversations/{group.Id}/members/{target}", new { title = "Jester" }), 403, null);
    }

    /// <summary>A group owned by alice: admins adam and ada, moderator mo, member mia, guest gus, each with a session.</summary>
    private Task<RoleGroup> GroupAsync() =>
        RoleGroup.CreateAsync(server, ("adam", "admin"), ("ada", "admin"), ("mo", "moderator"), ("mia", "member"), ("gus", "guest"));



    private static string[] AdminIds(JsonElement detail) => detail.GetProperty("adminIds").EnumerateArray().Select(a => a.GetString()!).ToArray();

    private static string PermissionsOf(JsonElement member) =>
        string.Join(' ', member.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).Order(StringComparer.Ordinal));

    private static string[] Ids(params string[] ids) => ids;
}
