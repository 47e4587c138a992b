using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Conversations;

/// <summary>PATCH /v1/conversations/{id}: shared fields for managers only, the caller's own settings for any member.</summary>
public sealed class ConversationUpdateTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Theory]
    [InlineData("alice")]
    [InlineData("adam")]
    public async Task The_owner_and_an_admin_change_title_description_readOnly_and_metadata(string manager)
    {
        var (_, id, people) = await GroupAsync();
        var createdAt = (await people["mia"].GetAsync($"/v1/conversations/{id}").ExpectJson(200)).GetProperty("createdAt").GetDateTimeOffset();
        server.Clock.Advance(TimeSpan.FromSeconds(5));

        var updated = await people[manager].PatchJsonAsync($"/v1/conversations/{id}", new
        {
            title = "Renamed", description = "New words", readOnly = true, metadata = new { topic = "launch" },
        }).ExpectJson(200);

        Assert.Equal("Renamed", updated.Str("title"));
        var seenByMember = await people["mia"].GetAsync($"/v1/conversations/{id}").ExpectJson(200);
        Assert.Equal("Renamed", seenByMember.Str("title"));
        Assert.Equal("New words", seenByMember.Str("description"));
        Assert.True(seenByMember.GetProperty("readOnly").GetBoolean());
        Assert.Equal("launch", seenByMember.GetProperty("metadata").Str("topic"));
        Assert.Equal(createdAt, seenByMember.GetProperty("createdAt").GetDateTimeOffset());
        Assert.True(seenByMember.GetProperty("updatedAt").GetDateTimeOffset() >= createdAt.AddSeconds(5));
    }

    [Fact]
    public async Task A_shared_field_is_cleared_with_null_and_the_others_stay()
    {
        var (_, id, people) = await GroupAsync();
        await people["alice"].PatchJsonAsync($"/v1/conversations/{id}", new { title = "Keep", description = "Drop me" }).ExpectJson(200);

        await people["alice"].PatchJsonAsync($"/v1/conversations/{id}", new { description = (string?)null }).ExpectJson(200);

        var detail = await people["mia"].GetAsync($"/v1/conversations/{id}").ExpectJson(200);
        Assert.Equal("Keep", detail.Str("title"));
        Assert.Null(detail.StrOrNull("description"));
    }

    [Theory]
    [InlineData("mo")]
    [InlineData("mia")]
    [InlineData("gus")]
    public async Task Members_without_manage_conversation_get_403_MISSING_PERMISSION_and_nothing_changes(string who)
    {
        var (tenant, id, people) = await GroupAsync();
        var before = await SnapshotAsync(people["alice"], id);
        var position = await server.LastPositionAsync(tenant.Id);

        await people[who].PatchJsonAsync($"/v1/conversations/{id}", new { title = "Mine now" }).ExpectProblem(403, "MISSING_PERMISSION");
        await people[who].PatchJsonAsync($"/v1/conversations/{id}", new { description = "x" }).ExpectProblem(403, "MISSING_PERMISSION");
        await people[who].PatchJsonAsync($"/v1/conversations/{id}", new { readOnly = true }).ExpectProblem(403, "MISSING_PERMISSION");
        await people[who].PatchJsonAsync($"/v1/conversations/{id}", new { metadata = new { a = 1 } }).ExpectProblem(403, "MISSING_PERMISSION");
        await people[who].PatchJsonAsync($"/v1/conversations/{id}", new { title = "Mine now", pinned = true }).ExpectProblem(403, "MISSING_PERMISSION");

        Assert.Equal(before, await SnapshotAsync(people["alice"], id));
        Assert.False((await people[who].GetAsync($"/v1/conversations/{id}").ExpectJson(200)).GetProperty("pinned").GetBoolean());
        Assert.Equal(position, await server.LastPositionAsync(tenant.Id));
    }

    [Fact]
    public async Task A_member_granted_manage_conversation_may_change_the_title_and_an_admin_stripped_of_it_may_not()
    {
        var (_, id, people) = await GroupAsync();
        await people["alice"].PatchJsonAsync($"/v1/conversations/{id}/members/mia", new { permissions = Ids("send_messages", "manage_conversation") }).ExpectJson(200);
        await people["alice"].PatchJsonAsync($"/v1/conversations/{id}/members/adam", new { permissions = Ids("send_messages", "manage_members") }).ExpectJson(200);

        await people["mia"].PatchJsonAsync($"/v1/conversations/{id}", new { title = "By Mia" }).ExpectJson(200);
        await people["adam"].PatchJsonAsync($"/v1/conversations/{id}", new { title = "By Adam" }).ExpectProblem(403, "MISSING_PERMISSION");

        Assert.Equal("By Mia", (await people["alice"].GetAsync($"/v1/conversations/{id}").ExpectJson(200)).Str("title"));
    }

    [Fact]
    public async Task A_direct_conversation_has_no_shared_fields_to_change_but_each_side_keeps_its_own_settings()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var id = await tenant.CreateConversationAsync(alice, "direct", "bob");
        var before = await SnapshotAsync(bob, id);
        var position = await server.LastPositionAsync(tenant.Id);

        await alice.PatchJsonAsync($"/v1/conversations/{id}", new { title = "Us" }).ExpectProblem(403, "DIRECT_CONVERSATION");
        await bob.PatchJsonAsync($"/v1/conversations/{id}", new { readOnly = true }).ExpectProblem(403, "DIRECT_CONVERSATION");
        await alice.PatchJsonAsync($"/v1/conversations/{id}", new { metadata = new { a = 1 }, pinned = true }).ExpectProblem(403, "DIRECT_CONVERSATION");
        Assert.Equal(before, await SnapshotAsync(bob, id));
        Assert.Equal(position, await server.LastPositionAsync(tenant.Id));

        var pinned = await alice.PatchJsonAsync($"/v1/conversations/{id}", new { pinned = true, muted = true }).ExpectJson(200);
        Assert.True(pinned.GetProperty("pinned").GetBoolean());
        Assert.True(pinned.GetProperty("muted").GetBoolean());
        Assert.Equal(before, await SnapshotAsync(bob, id));
    }

    [Fact]
    public async Task Own_settings_are_changed_by_any_member_and_seen_only_by_that_member()
    {
        var (_, id, people) = await GroupAsync();
        var mutedUntil = server.Clock.GetUtcNow().AddHours(3);
        var moderatorBefore = await SnapshotAsync(people["mo"], id);

        var mine = await people["gus"].PatchJsonAsync($"/v1/conversations/{id}", new { pinned = true, mutedUntil }).ExpectJson(200);

        Assert.True(mine.GetProperty("pinned").GetBoolean());
        Assert.True(mine.GetProperty("muted").GetBoolean());
        Assert.Equal(mutedUntil.ToUnixTimeMilliseconds(), mine.GetProperty("mutedUntil").GetDateTimeOffset().ToUnixTimeMilliseconds());
        var reread = await people["gus"].GetAsync($"/v1/conversations/{id}").ExpectJson(200);
        Assert.True(reread.GetProperty("pinned").GetBoolean());
        Assert.True(reread.GetProperty("muted").GetBoolean());
        Assert.Equal(moderatorBefore, await SnapshotAsync(people["mo"], id));
        var forOwner = await people["alice"].GetAsync($"/v1/conversations/{id}").ExpectJson(200);
        Assert.False(forOwner.GetProperty("pinned").GetBoolean());
        Assert.False(forOwner.GetProperty("muted").GetBoolean());
        Assert.Null(forOwner.StrOrNull("mutedUntil"));
    }

    [Fact]
    public async Task Archiving_through_patch_is_personal_and_reversible()
    {
        var (_, id, people) = await GroupAsync();

        Assert.True((await people["mia"].PatchJsonAsync($"/v1/conversations/{id}", new { archived = true }).ExpectJson(200)).GetProperty("archived").GetBoolean());
        Assert.DoesNotContain(await ListAsync(people["mia"]), c => c == id);
        Assert.Contains(await ListAsync(people["alice"]), c => c == id);

        Assert.False((await people["mia"].PatchJsonAsync($"/v1/conversations/{id}", new { archived = false }).ExpectJson(200)).GetProperty("archived").GetBoolean());
        Assert.Contains(await ListAsync(people["mia"]), c => c == id);
    }

    [Fact]
    public async Task A_timed_mute_ends_by_itself_and_unmuting_clears_mutedUntil()
    {
        var (_, id, people) = await GroupAsync();
        await people["mia"].PatchJsonAsync($"/v1/conversations/{id}", new { mutedUntil = server.Clock.GetUtcNow().AddMinutes(30) }).ExpectJson(200);

        server.Clock.Advance(TimeSpan.FromMinutes(31));
        var expired = await people["mia"].GetAsync($"/v1/conversations/{id}").ExpectJson(200);
        Assert.False(expired.GetProperty("muted").GetBoolean());

        await people["mia"].PatchJsonAsync($"/v1/conversations/{id}", new { mutedUntil = server.Clock.GetUtcNow().AddDays(1) }).ExpectJson(200);
        var unmuted = await people["mia"].PatchJsonAsync($"/v1/conversations/{id}", new { muted = false }).ExpectJson(200);
        Assert.False(unmuted.GetProperty("muted").GetBoolean());
        Assert.Null(unmuted.StrOrNull("mutedUntil"));
    }

    [Fact]
    public async Task A_mutedUntil_in_the_past_is_rejected_and_the_rest_of_the_request_is_not_applied()
    {
        var (tenant, id, people) = await GroupAsync();
        var before = await SnapshotAsync(people["alice"], id);
        var position = await server.LastPositionAsync(tenant.Id);

        await people["alice"].PatchJsonAsync($"/v1/conversations/{id}", new { pinned = true, mutedUntil = server.Clock.GetUtcNow().AddMinutes(-1) })
            .ExpectProblem(400);
        await people["alice"].PatchJsonAsync($"/v1/conversations/{id}", new { title = "Half done", mutedUntil = server.Clock.GetUtcNow().AddMinutes(-1) })
            .ExpectProblem(400);

        Assert.Equal(before, await SnapshotAsync(people["alice"], id));
        Assert.Equal(position, await server.LastPositionAsync(tenant.Id));
    }

    [Theory]
    [InlineData("""{"title": 42}""")]
    [InlineData("""{"readOnly": "yes"}""")]
    [InlineData("""{"metadata": [1, 2]}""")]
    [InlineData("""{"pinned": "true"}""")]
    [InlineData("""{"mutedUntil": "tomorrow"}""")]
    [InlineData("""{"title": "x""")]
    public async Task Bad_input_is_a_400_and_changes_nothing(string body)
    {
        var (tenant, id, people) = await GroupAsync();
        var before = await SnapshotAsync(people["alice"], id);
        var position = await server.LastPositionAsync(tenant.Id);

        await people["alice"].SendRawAsync(HttpMethod.Patch, $"/v1/conversations/{id}", body).ExpectProblem(400);

        Assert.Equal(before, await SnapshotAsync(people["alice"], id));
        Assert.Equal(position, await server.LastPositionAsync(tenant.Id));
    }

    [Fact]
    public async Task An_over_long_title_is_a_400_and_changes_nothing()
    {
        var (_, id, people) = await GroupAsync();
        var before = await SnapshotAsync(people["alice"], id);

        await people["alice"].PatchJsonAsync($"/v1/conversations/{id}", new { title = new string('t', 201) }).ExpectProblem(400);

        Assert.Equal(before, await SnapshotAsync(people["alice"], id));
    }

    [Fact]
    public async Task A_shared_change_appends_conversation_updated_for_the_conversation()
    {
        var (tenant, id, people) = await GroupAsync();
        var position = await server.LastPositionAsync(tenant.Id);

        await people["alice"].PatchJsonAsync($"/v1/conversations/{id}", new { title = "Announced" }).ExpectJson(200);

        var events = await server.ReadAsync(tenant.Id, position);
        var updated = Assert.Single(events);
        Assert.Equal("conversation.updated", updated.Type);
        Assert.Equal(id, updated.ConversationId);
        using var payload = JsonDocument.Parse(updated.Payload);
        Assert.Equal("Announced", payload.RootElement.Str("title"));
    }

    [Fact]
    public async Task An_own_settings_change_appends_conversation_updated_for_that_user_only()
    {
        var (tenant, id, people) = await GroupAsync();
        var position = await server.LastPositionAsync(tenant.Id);

        await people["mia"].PatchJsonAsync($"/v1/conversations/{id}", new { pinned = true }).ExpectJson(200);

        var updated = Assert.Single(await server.ReadAsync(tenant.Id, position));
        Assert.Equal("conversation.updated", updated.Type);
        Assert.Equal("mia", updated.UserId);
        Assert.Null(updated.ConversationId);
        using var payload = JsonDocument.Parse(updated.Payload);
        Assert.Equal(id, payload.RootElement.Str("id"));
        Assert.True(payload.RootElement.GetProperty("pinned").GetBoolean());
    }

    /// <summary>A group owned by alice with an admin, a moderator, a member and a guest.</summary>
    private async Task<(TestTenant Tenant, string Id, Dictionary<string, HttpClient> People)> GroupAsync()
    {
        var tenant = await server.NewTenantAsync();
        var people = new Dictionary<string, HttpClient>();
        foreach (var user in Ids("alice", "adam", "mo", "mia", "gus")) people[user] = await tenant.SessionAsync(user);
        var id = await tenant.CreateConversationAsync(people["alice"], "group", "adam", "mo", "mia", "gus");
        foreach (var (user, role) in new[] { ("adam", "admin"), ("mo", "moderator"), ("gus", "guest") })
            await people["alice"].PatchJsonAsync($"/v1/conversations/{id}/members/{user}", new { role }).ExpectJson(200);
        return (tenant, id, people);
    }

    private static async Task<string> SnapshotAsync(HttpClient client, string id) =>
        (await client.GetAsync($"/v1/conversations/{id}").ExpectJson(200)).GetRawText();

    private static async Task<string[]> ListAsync(HttpClient client) =>
        (await client.GetAsync("/v1/conversations?limit=200").ExpectJson(200)).Items().Select(c => c.Str("id")).ToArray();

    private static string[] Ids(params string[] ids) => ids;
}
