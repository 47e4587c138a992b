using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Conversations;

/// <summary>GET /v1/conversations/{id}: the detail with members, and who may see it at all (404, never 403; never across tenants).</summary>
public sealed class ConversationVisibilityTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Detail_lists_every_member_with_role_default_permissions_and_joinedAt()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        foreach (var user in Ids("adam", "mo", "mia", "gus")) await tenant.UpsertUserAsync(user);
        var id = await tenant.CreateConversationAsync(alice, "group", "adam", "mo", "mia", "gus");
        await alice.PatchJsonAsync($"/v1/conversations/{id}/members/adam", new { role = "admin" }).ExpectJson(200);
        await alice.PatchJsonAsync($"/v1/conversations/{id}/members/mo", new { role = "moderator" }).ExpectJson(200);
        await alice.PatchJsonAsync($"/v1/conversations/{id}/members/gus", new { role = "guest" }).ExpectJson(200);

        var detail = await alice.GetAsync($"/v1/conversations/{id}").ExpectJson(200);

        var members = detail.GetProperty("members").EnumerateArray().ToDictionary(m => m.GetProperty("user").Str("id"));
        Assert.Equal(5, members.Count);
        Assert.Equal(5, detail.GetProperty("memberCount").GetInt32());
        const string all = "manage_conversation manage_members manage_messages manage_roles invite_members pin_messages send_media send_messages";
        Assert.Equal(Sorted(all), PermissionsOf(members["alice"]));
        Assert.Equal(Sorted(all), PermissionsOf(members["adam"]));
        Assert.Equal(Sorted("send_messages send_media pin_messages manage_messages manage_members invite_members"), PermissionsOf(members["mo"]));
        Assert.Equal(Sorted("send_messages send_media"), PermissionsOf(members["mia"]));
        Assert.Equal("send_messages", PermissionsOf(members["gus"]));
        Assert.Equal("owner admin moderator member guest", string.Join(' ', Ids("alice", "adam", "mo", "mia", "gus").Select(u => members[u].Str("role"))));
        Assert.All(members.Values, m => Assert.True(m.GetProperty("joinedAt").GetDateTimeOffset() > DateTimeOffset.UnixEpoch));
        Assert.Equal("alice", detail.Str("ownerId"));
        Assert.Equal("adam", Assert.Single(detail.GetProperty("adminIds").EnumerateArray()).GetString());
        Assert.Equal("Mia", (await tenant.UpsertUserAsync("mia", "Mia")).Str("name"));
        var refreshed = await alice.GetAsync($"/v1/conversations/{id}").ExpectJson(200);
        Assert.Contains(refreshed.GetProperty("members").EnumerateArray(), m => m.GetProperty("user").Str("id") == "mia" && m.GetProperty("user").Str("name") == "Mia");
    }

    [Fact]
    public async Task Participants_are_capped_at_20_while_memberCount_and_members_hold_everyone()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var others = Enumerable.Range(1, 24).Select(i => $"user{i:00}").ToArray();
        foreach (var user in others) await tenant.UpsertUserAsync(user);
        var id = await tenant.CreateConversationAsync(alice, "group", others);

        var detail = await alice.GetAsync($"/v1/conversations/{id}").ExpectJson(200);
        var listed = Assert.Single((await alice.GetAsync("/v1/conversations").ExpectJson(200)).Items());

        Assert.Equal(25, detail.GetProperty("memberCount").GetInt32());
        Assert.Equal(25, detail.GetProperty("members").GetArrayLength());
        Assert.Equal(20, detail.GetProperty("participants").GetArrayLength());
        Assert.Equal(20, listed.GetProperty("participants").GetArrayLength());
        Assert.Equal(25, listed.GetProperty("memberCount").GetInt32());
    }

    [Fact]
    public async Task The_member_list_endpoint_returns_members_in_join_order()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        await tenant.UpsertUserAsync("carol");
        var id = await tenant.CreateConversationAsync(alice, "group", "bob");
        server.Clock.Advance(TimeSpan.FromSeconds(1));
        await alice.PostJsonAsync($"/v1/conversations/{id}/members", new { userIds = Ids("carol") }).ExpectJson(201);

        var page = await bob.GetAsync($"/v1/conversations/{id}/members").ExpectJson(200);

        var ids = page.Items().Select(m => m.GetProperty("user").Str("id")).ToList();
        Assert.Equal(3, ids.Count);
        Assert.Equal("carol", ids[^1]);
    }

    [Fact]
    public async Task A_non_member_gets_404_for_a_private_group_on_every_route()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, eve) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("eve"));
        await tenant.UpsertUserAsync("bob");
        var id = await tenant.CreateConversationAsync(alice, "group", "bob");
        var message = await tenant.SendAsync(alice, id, "secret");
        var before = await SnapshotAsync(alice, id);
        var position = await server.LastPositionAsync(tenant.Id);

        await ExpectHiddenAsync(eve, id, message.Str("id"));

        Assert.Equal(before, await SnapshotAsync(alice, id));
        Assert.Equal(position, await server.LastPositionAsync(tenant.Id));
        Assert.Empty((await eve.GetAsync("/v1/conversations").ExpectJson(200)).Items());
    }

    [Fact]
    public async Task A_non_member_gets_404_for_a_direct_conversation_and_a_private_channel()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, eve) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("eve"));
        await tenant.UpsertUserAsync("bob");
        var direct = await tenant.CreateConversationAsync(alice, "direct", "bob");
        var channel = await tenant.CreateConversationAsync(alice, "channel", "bob");

        foreach (var id in Ids(direct, channel))
        {
            var message = await tenant.SendAsync(alice, id, "hi");
            await ExpectHiddenAsync(eve, id, message.Str("id"));
        }
    }

    [Fact]
    public async Task A_removed_member_no_longer_sees_the_group()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var id = await tenant.CreateConversationAsync(alice, "group", "bob");
        await bob.GetAsync($"/v1/conversations/{id}").Expect(200);

        await alice.DeleteAsync($"/v1/conversations/{id}/members/bob").Expect(204);

        await bob.GetAsync($"/v1/conversations/{id}").ExpectProblem(404, "CONVERSATION_NOT_FOUND");
        await bob.GetAsync($"/v1/conversations/{id}/messages").ExpectProblem(404);
        Assert.Empty((await bob.GetAsync("/v1/conversations").ExpectJson(200)).Items());
    }

    [Theory]
    [InlineData("01ARZ3NDEKTSV4RRFFQ69G5FAV")]
    [InlineData("not-an-id")]
    [InlineData("..%2F..%2Fadmin")]
    public async Task An_unknown_or_malformed_conversation_id_is_404(string id)
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");

        await alice.GetAsync($"/v1/conversations/{id}").ExpectProblem(404);
        await alice.PatchJsonAsync($"/v1/conversations/{id}", new { pinned = true }).ExpectProblem(404);
        await alice.DeleteAsync($"/v1/conversations/{id}").ExpectProblem(404);
    }

    [Fact]
    public async Task A_second_tenant_with_the_same_user_ids_sees_nothing_of_the_first()
    {
        var first = await server.NewTenantAsync();
        var (alice, bob) = (await first.SessionAsync("alice"), await first.SessionAsync("bob"));
        var group = await first.CreateConversationAsync(alice, "group", "bob");
        var direct = await first.CreateConversationAsync(alice, "direct", "bob");
        var channel = (await alice.PostJsonAsync("/v1/conversations", new { type = "channel", participantIds = Ids("bob"), publicUsername = "lobby" }).ExpectJson(201)).Str("id");
        var message = await first.SendAsync(alice, group, "first tenant only");
        var snapshot = await SnapshotAsync(alice, group);
        var firstPosition = await server.LastPositionAsync(first.Id);

        var second = await server.NewTenantAsync();
        var (otherAlice, otherBob) = (await second.SessionAsync("alice"), await second.SessionAsync("bob"));

        Assert.Empty((await otherAlice.GetAsync("/v1/conversations").ExpectJson(200)).Items());
        Assert.Empty((await otherBob.GetAsync("/v1/conversations?archived=true").ExpectJson(200)).Items());
        foreach (var id in Ids(group, direct, channel))
        {
            await ExpectHiddenAsync(otherAlice, id, message.Str("id"));
            await otherAlice.PostJsonAsync($"/v1/conversations/{id}/members", new { userIds = Ids("alice") }).ExpectProblem(404);
        }

        var otherDirect = await otherAlice.PostJsonAsync("/v1/conversations", new { type = "direct", participantIds = Ids("bob") }).ExpectJson(201);
        Assert.NotEqual(direct, otherDirect.Str("id"));
        Assert.Equal(snapshot, await SnapshotAsync(alice, group));
        Assert.Equal(firstPosition, await server.LastPositionAsync(first.Id));
    }

    [Fact]
    public async Task The_tenant_backend_acting_as_a_user_sees_exactly_what_that_user_sees()
    {
        var first = await server.NewTenantAsync();
        var second = await server.NewTenantAsync();
        var alice = await first.SessionAsync("alice");
        await first.UpsertUserAsync("bob");
        await second.UpsertUserAsync("alice");
        var id = await first.CreateConversationAsync(alice, "group", "bob");

        var asAlice = server.ActingAs(first.ApiKey, "alice");
        Assert.Equal(id, Assert.Single((await asAlice.GetAsync("/v1/conversations").ExpectJson(200)).Items()).Str("id"));
        Assert.Equal("owner", (await asAlice.GetAsync($"/v1/conversations/{id}").ExpectJson(200)).Str("myRole"));

        var otherAlice = server.ActingAs(second.ApiKey, "alice");
        Assert.Empty((await otherAlice.GetAsync("/v1/conversations").ExpectJson(200)).Items());
        await otherAlice.GetAsync($"/v1/conversations/{id}").ExpectProblem(404);
    }

    /// <summary>Every conversation route answers 404 to a caller who may not see the conversation, and changes nothing.</summary>
    private static async Task ExpectHiddenAsync(HttpClient outsider, string id, string messageId)
    {
        var path = $"/v1/conversations/{id}";
        await outsider.GetAsync(path).ExpectProblem(404, "CONVERSATION_NOT_FOUND");
        await outsider.PatchJsonAsync(path, new { title = "hijacked" }).ExpectProblem(404, "CONVERSATION_NOT_FOUND");
        await outsider.PatchJsonAsync(path, new { pinned = true }).ExpectProblem(404, "CONVERSATION_NOT_FOUND");
        await outsider.DeleteAsync(path).ExpectProblem(404, "CONVERSATION_NOT_FOUND");
        await outsider.GetAsync($"{path}/members").ExpectProblem(404, "CONVERSATION_NOT_FOUND");
        await outsider.PostJsonAsync($"{path}/members", new { userIds = Ids("eve") }).ExpectProblem(404, "CONVERSATION_NOT_FOUND");
        await outsider.PatchJsonAsync($"{path}/members/alice", new { mutedUntil = DateTimeOffset.UtcNow.AddYears(1) }).ExpectProblem(404, "CONVERSATION_NOT_FOUND");
        await outsider.DeleteAsync($"{path}/members/alice").ExpectProblem(404, "CONVERSATION_NOT_FOUND");
        await outsider.GetAsync($"{path}/messages").ExpectProblem(404, "CONVERSATION_NOT_FOUND");
        await outsider.PostJsonAsync($"{path}/messages", new { text = "let me in" }).ExpectProblem(404, "CONVERSATION_NOT_FOUND");
        await outsider.DeleteAsync($"{path}/messages/{messageId}").ExpectProblem(404);
    }

    private static async Task<string> SnapshotAsync(HttpClient client, string id) =>
        (await client.GetAsync($"/v1/conversations/{id}").ExpectJson(200)).GetRawText();

    private static string PermissionsOf(JsonElement member) =>
        string.Join(' ', member.GetProperty("permissions").EnumerateArray().Select(p => p.GetString()).Order(StringComparer.Ordinal));

    private static string Sorted(string words) => string.Join(' ', words.Split(' ').Order(StringComparer.Ordinal));

    private static string[] Ids(params string[] ids) => ids;
}
