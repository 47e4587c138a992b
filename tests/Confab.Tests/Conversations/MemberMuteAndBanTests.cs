using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Conversations;

/// <summary>
/// A member's <c>mutedUntil</c> (cannot post until then) and <c>bannedUntil</c> (removed, cannot rejoin or be
/// re-added until then), set by managers under the member rules, and lifted by time on the server's clock.
/// </summary>
public sealed class MemberMuteAndBanTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Theory]
    [InlineData("alice", "mia")]
    [InlineData("adam", "mo")]
    [InlineData("mo", "mia")]
    [InlineData("mo", "gus")]
    public async Task A_muted_member_gets_MEMBER_MUTED_until_the_mute_passes(string actor, string target)
    {
        var group = await GroupAsync();
        var until = server.Clock.GetUtcNow().AddHours(1);
        var position = await server.LastPositionAsync(group.Tenant.Id);

        var member = await group[actor].PatchJsonAsync($"/v1/conversations/{group.Id}/members/{target}", new { mutedUntil = until }).ExpectJson(200);

        Assert.Equal(until.ToUnixTimeMilliseconds(), member.GetProperty("mutedUntil").GetDateTimeOffset().ToUnixTimeMilliseconds());
        Assert.Contains(await server.ReadAsync(group.Tenant.Id, position), e => e.Type == "conversation.member.updated" && e.ConversationId == group.Id);
        var beforeSend = await server.LastPositionAsync(group.Tenant.Id);
        await group[target].PostJsonAsync($"/v1/conversations/{group.Id}/messages", new { text = "let me speak" }).ExpectProblem(403, "MEMBER_MUTED");
        Assert.Equal(beforeSend, await server.LastPositionAsync(group.Tenant.Id));
        await group[target].GetAsync($"/v1/conversations/{group.Id}/messages").Expect(200);
        await group.Tenant.SendAsync(group["mia2"], group.Id, "others still talk");

        server.Clock.Advance(TimeSpan.FromMinutes(61));
        await group.Tenant.SendAsync(group[target], group.Id, "free again");
    }

    [Fact]
    public async Task Setting_mutedUntil_to_null_lifts_the_mute_at_once()
    {
        var group = await GroupAsync();
        await group["mo"].PatchJsonAsync($"/v1/conversations/{group.Id}/members/mia", new { mutedUntil = server.Clock.GetUtcNow().AddDays(1) }).ExpectJson(200);
        await group["mia"].PostJsonAsync($"/v1/conversations/{group.Id}/messages", new { text = "x" }).ExpectProblem(403, "MEMBER_MUTED");

        var member = await group["mo"].PatchJsonAsync($"/v1/conversations/{group.Id}/members/mia", new { mutedUntil = (DateTimeOffset?)null }).ExpectJson(200);

        Assert.Null(member.StrOrNull("mutedUntil"));
        await group.Tenant.SendAsync(group["mia"], group.Id, "thanks");
    }

    [Theory]
    [InlineData("mo", "adam", "RANK_TOO_LOW")]
    [InlineData("mo", "mo2", "RANK_TOO_LOW")]
    [InlineData("adam", "alice", "OWNER_ONLY")]
    [InlineData("mia", "gus", "MISSING_PERMISSION")]
    [InlineData("mia", "mia2", null)]
    [InlineData("gus", "mia", null)]
    public async Task Muting_someone_one_may_not_act_on_is_refused_and_they_can_still_post(string actor, string target, string? code)
    {
        var group = await GroupAsync();

        await group.ExpectRefusedAsync(
            () => group[actor].PatchJsonAsync($"/v1/conversations/{group.Id}/members/{target}", new { mutedUntil = server.Clock.GetUtcNow().AddHours(1) }), 403, code);

        await group.Tenant.SendAsync(group[target], group.Id, "not muted");
    }

    [Theory]
    [InlineData("alice", "adam")]
    [InlineData("adam", "mo")]
    [InlineData("mo", "mia")]
    public async Task A_ban_removes_the_member_who_cannot_be_added_back_until_it_passes(string actor, string target)
    {
        var group = await GroupAsync();
        var until = server.Clock.GetUtcNow().AddHours(2);
        var position = await server.LastPositionAsync(group.Tenant.Id);

        var banned = await group[actor].PatchJsonAsync($"/v1/conversations/{group.Id}/members/{target}", new { bannedUntil = until }).ExpectJson(200);

        Assert.Equal(until.ToUnixTimeMilliseconds(), banned.GetProperty("bannedUntil").GetDateTimeOffset().ToUnixTimeMilliseconds());
        var detail = await group["alice"].GetAsync($"/v1/conversations/{group.Id}").ExpectJson(200);
        Assert.DoesNotContain(detail.GetProperty("members").EnumerateArray(), m => m.GetProperty("user").Str("id") == target);
        Assert.Equal(7, detail.GetProperty("memberCount").GetInt32());
        await group[target].GetAsync($"/v1/conversations/{group.Id}").ExpectProblem(404);
        await group[target].PostJsonAsync($"/v1/conversations/{group.Id}/messages", new { text = "still here?" }).ExpectProblem(404);
        var removed = Assert.Single(await server.ReadAsync(group.Tenant.Id, position), e => e.Type == "conversation.member.removed");
        using (var payload = JsonDocument.Parse(removed.Payload)) Assert.Equal(target, payload.RootElement.Str("userId"));

        await group.ExpectRefusedAsync(() => group["alice"].PostJsonAsync($"/v1/conversations/{group.Id}/members", new { userIds = Ids(target) }), 403, "USER_BANNED");

        server.Clock.Advance(TimeSpan.FromMinutes(119));
        await group.ExpectRefusedAsync(() => group["alice"].PostJsonAsync($"/v1/conversations/{group.Id}/members", new { userIds = Ids(target) }), 403, "USER_BANNED");

        server.Clock.Advance(TimeSpan.FromMinutes(2));
        await group["alice"].PostJsonAsync($"/v1/conversations/{group.Id}/members", new { userIds = Ids(target) }).ExpectJson(201);
        await group.Tenant.SendAsync(group[target], group.Id, "back");
    }

    [Fact]
    public async Task A_banned_user_added_with_others_blocks_the_whole_request()
    {
        var group = await GroupAsync();
        await group.Tenant.UpsertUserAsync("newbie");
        await group["alice"].PatchJsonAsync($"/v1/conversations/{group.Id}/members/mia", new { bannedUntil = server.Clock.GetUtcNow().AddHours(1) }).ExpectJson(200);

        await group.ExpectRefusedAsync(() => group["alice"].PostJsonAsync($"/v1/conversations/{group.Id}/members", new { userIds = Ids("newbie", "mia") }), 403, "USER_BANNED");
    }

    [Fact]
    public async Task A_banned_user_cannot_rejoin_a_public_channel_until_the_ban_passes()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var id = (await alice.PostJsonAsync("/v1/conversations", new { type = "channel", participantIds = Array.Empty<string>(), publicUsername = "plaza" }).ExpectJson(201)).Str("id");
        await bob.PostJsonAsync($"/v1/conversations/{id}/members", new { userIds = Ids("bob") }).ExpectJson(201);

        await alice.PatchJsonAsync($"/v1/conversations/{id}/members/bob", new { bannedUntil = server.Clock.GetUtcNow().AddHours(2) }).ExpectJson(200);

        var position = await server.LastPositionAsync(tenant.Id);
        await bob.PostJsonAsync($"/v1/conversations/{id}/members", new { userIds = Ids("bob") }).ExpectProblem(403, "USER_BANNED");
        await bob.PostJsonAsync($"/v1/conversations/{id}/messages", new { text = "hello?" }).ExpectProblem(403);
        Assert.Equal(position, await server.LastPositionAsync(tenant.Id));
        Assert.Equal(1, (await alice.GetAsync($"/v1/conversations/{id}").ExpectJson(200)).GetProperty("memberCount").GetInt32());

        server.Clock.Advance(TimeSpan.FromMinutes(121));
        await bob.PostJsonAsync($"/v1/conversations/{id}/members", new { userIds = Ids("bob") }).ExpectJson(201);
        await tenant.SendAsync(bob, id, "I'm back");
    }

    [Fact]
    public async Task A_user_banned_before_joining_cannot_be_added_until_then()
    {
        var group = await GroupAsync();
        await group.Tenant.UpsertUserAsync("troll");

        await group["mo"].PatchJsonAsync($"/v1/conversations/{group.Id}/members/troll", new { bannedUntil = server.Clock.GetUtcNow().AddHours(1) }).ExpectJson(200);

        await group.ExpectRefusedAsync(() => group["alice"].PostJsonAsync($"/v1/conversations/{group.Id}/members", new { userIds = Ids("troll") }), 403, "USER_BANNED");
        server.Clock.Advance(TimeSpan.FromMinutes(61));
        await group["alice"].PostJsonAsync($"/v1/conversations/{group.Id}/members", new { userIds = Ids("troll") }).ExpectJson(201);
    }

    [Fact]
    public async Task Setting_bannedUntil_to_null_lifts_a_ban_early()
    {
        var group = await GroupAsync();
        await group["alice"].PatchJsonAsync($"/v1/conversations/{group.Id}/members/mia", new { bannedUntil = server.Clock.GetUtcNow().AddDays(7) }).ExpectJson(200);

        await group["alice"].PatchJsonAsync($"/v1/conversations/{group.Id}/members/mia", new { bannedUntil = (DateTimeOffset?)null }).ExpectJson(200);

        await group["alice"].PostJsonAsync($"/v1/conversations/{group.Id}/members", new { userIds = Ids("mia") }).ExpectJson(201);
    }

    [Theory]
    [InlineData("mo", "adam", "RANK_TOO_LOW")]
    [InlineData("adam", "ada", "RANK_TOO_LOW")]
    [InlineData("adam", "alice", "OWNER_ONLY")]
    [InlineData("mia", "gus", "MISSING_PERMISSION")]
    [InlineData("mia", "mia2", null)]
    public async Task Banning_someone_one_may_not_act_on_is_refused_and_they_stay(string actor, string target, string? code)
    {
        var group = await GroupAsync();

        await group.ExpectRefusedAsync(
            () => group[actor].PatchJsonAsync($"/v1/conversations/{group.Id}/members/{target}", new { bannedUntil = server.Clock.GetUtcNow().AddDays(1) }), 403, code);

        await group[target].GetAsync($"/v1/conversations/{group.Id}").Expect(200);
    }

    [Fact]
    public async Task A_plain_member_cannot_ban_a_non_member_in_advance()
    {
        var group = await GroupAsync();
        await group.Tenant.UpsertUserAsync("friend");

        await group.ExpectRefusedAsync(
            () => group["mia"].PatchJsonAsync($"/v1/conversations/{group.Id}/members/friend", new { bannedUntil = server.Clock.GetUtcNow().AddDays(1) }), 403, null);

        await group["alice"].PostJsonAsync($"/v1/conversations/{group.Id}/members", new { userIds = Ids("friend") }).ExpectJson(201);
    }

    /// <summary>A group owned by alice: admins adam and ada, moderators mo and mo2, members mia and mia2, guest gus, each with a session.</summary>
    private Task<RoleGroup> GroupAsync() =>
        RoleGroup.CreateAsync(server, ("adam", "admin"), ("ada", "admin"), ("mo", "moderator"), ("mo2", "moderator"), ("mia", "member"), ("mia2", "member"), ("gus", "guest"));

    private static string[] Ids(params string[] ids) => ids;
}
