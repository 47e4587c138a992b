using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Conversations;

/// <summary>The tenant's event log: each conversation change appends the matching event; a refused request appends nothing.</summary>
public sealed class ConversationEventTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Each_change_in_a_conversations_life_appends_the_matching_event()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob, carol) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"), await tenant.SessionAsync("carol"));
        await tenant.UpsertUserAsync("dave");
        string id = "";

        var created = await StepAsync(tenant, async () => id = await tenant.CreateConversationAsync(alice, "group", "bob"));
        AssertHas(created, "conversation.created", id);

        var added = await StepAsync(tenant, () => alice.PostJsonAsync($"/v1/conversations/{id}/members", new { userIds = Ids("carol", "dave") }).ExpectJson(201));
        Assert.Equal(2, added.Count(e => e.Type == "conversation.member.added" && e.ConversationId == id));
        Assert.Equal("carol dave", string.Join(' ',
            added.Where(e => e.Type == "conversation.member.added").Select(e => Payload(e).GetProperty("member").GetProperty("user").Str("id")).Order(StringComparer.Ordinal)));

        var promoted = await StepAsync(tenant, () => alice.PatchJsonAsync($"/v1/conversations/{id}/members/bob", new { role = "moderator" }).ExpectJson(200));
        var update = AssertHas(promoted, "conversation.member.updated", id);
        Assert.Equal("moderator", Payload(update).GetProperty("member").Str("role"));
        Assert.Equal(id, Payload(update).Str("conversationId"));

        var muted = await StepAsync(tenant, () => bob.PatchJsonAsync($"/v1/conversations/{id}/members/carol", new { mutedUntil = server.Clock.GetUtcNow().AddHours(1) }).ExpectJson(200));
        AssertHas(muted, "conversation.member.updated", id);

        var renamed = await StepAsync(tenant, () => alice.PatchJsonAsync($"/v1/conversations/{id}", new { title = "Renamed" }).ExpectJson(200));
        Assert.Equal("Renamed", Payload(AssertHas(renamed, "conversation.updated", id)).Str("title"));

        var removed = await StepAsync(tenant, () => bob.DeleteAsync($"/v1/conversations/{id}/members/dave").Expect(204));
        Assert.Equal("dave", Payload(AssertHas(removed, "conversation.member.removed", id)).Str("userId"));

        var left = await StepAsync(tenant, () => carol.DeleteAsync($"/v1/conversations/{id}/members/carol").Expect(204));
        Assert.Equal("carol", Payload(AssertHas(left, "conversation.member.removed", id)).Str("userId"));

        var banned = await StepAsync(tenant, () => alice.PatchJsonAsync($"/v1/conversations/{id}/members/bob", new { bannedUntil = server.Clock.GetUtcNow().AddHours(1) }).ExpectJson(200));
        Assert.Equal("bob", Payload(AssertHas(banned, "conversation.member.removed", id)).Str("userId"));

        var deleted = await StepAsync(tenant, () => alice.DeleteAsync($"/v1/conversations/{id}").Expect(204));
        Assert.Equal(id, Payload(AssertHas(deleted, "conversation.deleted", id)).Str("conversationId"));

        foreach (var step in new[] { created, added, promoted, muted, renamed, removed, left, banned })
            Assert.DoesNotContain(step, e => e.Type == "conversation.deleted");
        Assert.All(new[] { added, promoted, muted, renamed, removed, left, banned, deleted }.SelectMany(s => s), e => Assert.Equal(id, e.ConversationId));
    }

    [Fact]
    public async Task Event_positions_increase_strictly_in_the_order_of_the_changes()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");
        var start = await server.LastPositionAsync(tenant.Id);

        var id = await tenant.CreateConversationAsync(alice, "group", "bob");
        await alice.PatchJsonAsync($"/v1/conversations/{id}", new { title = "One" }).ExpectJson(200);
        await alice.DeleteAsync($"/v1/conversations/{id}/members/bob").Expect(204);

        var events = await server.ReadAsync(tenant.Id, start);
        Assert.Equal(events.Select(e => e.Position).Order(), events.Select(e => e.Position));
        Assert.Equal(events.Count, events.Select(e => e.Position).Distinct().Count());
        var types = events.Select(e => e.Type).ToList();
        Assert.True(types.IndexOf("conversation.created") < types.IndexOf("conversation.updated"));
        Assert.True(types.IndexOf("conversation.updated") < types.IndexOf("conversation.member.removed"));
    }

    [Fact]
    public async Task Events_of_one_tenant_never_land_in_another_tenants_log()
    {
        var first = await server.NewTenantAsync();
        var second = await server.NewTenantAsync();
        var alice = await first.SessionAsync("alice");
        await first.UpsertUserAsync("bob");
        await second.SessionAsync("alice");
        var secondPosition = await server.LastPositionAsync(second.Id);

        var id = await first.CreateConversationAsync(alice, "group", "bob");
        await alice.PatchJsonAsync($"/v1/conversations/{id}", new { title = "Private matter" }).ExpectJson(200);

        Assert.Equal(secondPosition, await server.LastPositionAsync(second.Id));
        Assert.DoesNotContain(await server.ReadAsync(second.Id), e => e.ConversationId == id);
    }

    [Fact]
    public async Task Refused_requests_append_nothing_to_the_log()
    {
        var tenant = await server.NewTenantAsync();
        var people = new Dictionary<string, HttpClient>();
        foreach (var user in Ids("alice", "adam", "mo", "mia", "eve")) people[user] = await tenant.SessionAsync(user);
        await tenant.UpsertUserAsync("troll");
        var (alice, adam, mo, mia, eve) = (people["alice"], people["adam"], people["mo"], people["mia"], people["eve"]);
        var group = await tenant.CreateConversationAsync(alice, "group", "adam", "mo", "mia");
        await alice.PatchJsonAsync($"/v1/conversations/{group}/members/adam", new { role = "admin" }).ExpectJson(200);
        await alice.PatchJsonAsync($"/v1/conversations/{group}/members/mo", new { role = "moderator" }).ExpectJson(200);
        var direct = await tenant.CreateConversationAsync(alice, "direct", "mia");
        var channel = (await alice.PostJsonAsync("/v1/conversations", new { type = "channel", participantIds = Ids("mia"), publicUsername = "taken", readOnly = true })
            .ExpectJson(201)).Str("id");
        await alice.PatchJsonAsync($"/v1/conversations/{group}/members/troll", new { bannedUntil = server.Clock.GetUtcNow().AddDays(1) }).ExpectJson(200);
        var mutedGroup = await tenant.CreateConversationAsync(alice, "group", "mia");
        await alice.PatchJsonAsync($"/v1/conversations/{mutedGroup}/members/mia", new { mutedUntil = server.Clock.GetUtcNow().AddDays(1) }).ExpectJson(200);
        var before = await server.LastPositionAsync(tenant.Id);

        await alice.PostJsonAsync("/v1/conversations", new { type = "direct", participantIds = Ids("adam", "mo") }).ExpectProblem(400);
        await alice.PostJsonAsync("/v1/conversations", new { type = "group", participantIds = Ids("ghost") }).ExpectProblem(400, "USER_NOT_FOUND");
        await alice.PostJsonAsync("/v1/conversations", new { type = "channel", participantIds = Ids("mia"), publicUsername = "taken" }).ExpectProblem(409, "PUBLIC_USERNAME_TAKEN");
        await alice.SendRawAsync(HttpMethod.Post, "/v1/conversations", "{\"type\": \"group\", ").ExpectProblem(400);
        await mia.PatchJsonAsync($"/v1/conversations/{group}", new { title = "Coup" }).ExpectProblem(403, "MISSING_PERMISSION");
        await alice.PatchJsonAsync($"/v1/conversations/{direct}", new { title = "Us" }).ExpectProblem(403, "DIRECT_CONVERSATION");
        await alice.PatchJsonAsync($"/v1/conversations/{group}", new { pinned = true, mutedUntil = server.Clock.GetUtcNow().AddDays(-1) }).ExpectProblem(400);
        await eve.PatchJsonAsync($"/v1/conversations/{group}", new { pinned = true }).ExpectProblem(404);
        await eve.DeleteAsync($"/v1/conversations/{group}").ExpectProblem(404);
        await mia.PostJsonAsync($"/v1/conversations/{group}/members", new { userIds = Ids("eve") }).ExpectProblem(403);
        await alice.PostJsonAsync($"/v1/conversations/{group}/members", new { userIds = Ids("troll") }).ExpectProblem(403, "USER_BANNED");
        await alice.PostJsonAsync($"/v1/conversations/{direct}/members", new { userIds = Ids("eve") }).ExpectProblem(403, "DIRECT_CONVERSATION");
        await eve.PostJsonAsync($"/v1/conversations/{group}/members", new { userIds = Ids("eve") }).ExpectProblem(404);
        await mo.PatchJsonAsync($"/v1/conversations/{group}/members/mia", new { role = "admin" }).ExpectProblem(403, "MISSING_PERMISSION");
        await mo.DeleteAsync($"/v1/conversations/{group}/members/adam").ExpectProblem(403);
        await adam.DeleteAsync($"/v1/conversations/{group}/members/alice").ExpectProblem(403, "OWNER_ONLY");
        await adam.PatchJsonAsync($"/v1/conversations/{group}/members/mia", new { role = "owner" }).ExpectProblem(403, "OWNER_ONLY");
        await mia.PatchJsonAsync($"/v1/conversations/{group}/members/mo", new { bannedUntil = server.Clock.GetUtcNow().AddDays(1) }).ExpectProblem(403);
        await mia.DeleteAsync($"/v1/conversations/{direct}/members/mia").ExpectProblem(403, "DIRECT_CONVERSATION");
        await mia.PostJsonAsync($"/v1/conversations/{channel}/messages", new { text = "no" }).ExpectProblem(403, "READ_ONLY");
        await mia.PostJsonAsync($"/v1/conversations/{mutedGroup}/messages", new { text = "no" }).ExpectProblem(403, "MEMBER_MUTED");
        await eve.PostJsonAsync($"/v1/conversations/{channel}/messages", new { text = "no" }).ExpectProblem(403, "NOT_A_MEMBER");

        Assert.Equal(before, await server.LastPositionAsync(tenant.Id));
    }

    private async Task<IReadOnlyList<LoggedEvent>> StepAsync(TestTenant tenant, Func<Task> change)
    {
        var position = await server.LastPositionAsync(tenant.Id);
        await change();
        var events = await server.ReadAsync(tenant.Id, position);
        Assert.NotEmpty(events);
        return events;
    }

    private static LoggedEvent AssertHas(IReadOnlyList<LoggedEvent> events, string type, string conversationId) =>
        Assert.Single(events, e => e.Type == type && e.ConversationId == conversationId);

    private static JsonElement Payload(LoggedEvent e)
    {
        using var document = JsonDocument.Parse(e.Payload);
        return document.RootElement.Clone();
    }

    private static string[] Ids(params string[] ids) => ids;
}
