using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Conversations;

/// <summary>Public channels (a channel with a publicUsername): any user of the tenant reads them and joins with its own id.</summary>
public sealed class PublicChannelTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Any_user_of_the_tenant_reads_a_public_channel_without_joining()
    {
        var (tenant, id, alice) = await PublicChannelAsync("readers");
        await tenant.SendAsync(alice, id, "welcome all");
        var eve = await tenant.SessionAsync("eve");

        var detail = await eve.GetAsync($"/v1/conversations/{id}").ExpectJson(200);
        Assert.Equal("readers", detail.Str("publicUsername"));
        Assert.Null(detail.StrOrNull("myRole"));
        Assert.DoesNotContain(detail.GetProperty("members").EnumerateArray(), m => m.GetProperty("user").Str("id") == "eve");
        var messages = await eve.GetAsync($"/v1/conversations/{id}/messages").ExpectJson(200);
        Assert.Equal("welcome all", Assert.Single(messages.Items()).Str("text"));
        await eve.GetAsync($"/v1/conversations/{id}/members").Expect(200);
        Assert.Empty((await eve.GetAsync("/v1/conversations").ExpectJson(200)).Items());
    }

    [Fact]
    public async Task A_reader_must_join_before_posting_or_changing_settings()
    {
        var (tenant, id, alice) = await PublicChannelAsync("lurkers");
        var eve = await tenant.SessionAsync("eve");
        var before = await SnapshotAsync(alice, id);
        var position = await server.LastPositionAsync(tenant.Id);

        await eve.PostJsonAsync($"/v1/conversations/{id}/messages", new { text = "hi" }).ExpectProblem(403, "NOT_A_MEMBER");
        await eve.PatchJsonAsync($"/v1/conversations/{id}", new { pinned = true }).ExpectProblem(403, "NOT_A_MEMBER");
        await eve.PatchJsonAsync($"/v1/conversations/{id}", new { title = "mine" }).ExpectProblem(403);

        Assert.Equal(before, await SnapshotAsync(alice, id));
        Assert.Equal(position, await server.LastPositionAsync(tenant.Id));
    }

    [Fact]
    public async Task Any_user_joins_a_public_channel_with_its_own_id_and_may_then_post()
    {
        var (tenant, id, alice) = await PublicChannelAsync("joinable");
        var eve = await tenant.SessionAsync("eve");
        var position = await server.LastPositionAsync(tenant.Id);

        var added = await eve.PostJsonAsync($"/v1/conversations/{id}/members", new { userIds = Ids("eve") }).ExpectJson(201);

        var member = Assert.Single(added.EnumerateArray());
        Assert.Equal("eve", member.GetProperty("user").Str("id"));
        Assert.Equal("member", member.Str("role"));
        var detail = await eve.GetAsync($"/v1/conversations/{id}").ExpectJson(200);
        Assert.Equal("member", detail.Str("myRole"));
        Assert.Equal(2, detail.GetProperty("memberCount").GetInt32());
        Assert.Equal(id, Assert.Single((await eve.GetAsync("/v1/conversations").ExpectJson(200)).Items()).Str("id"));
        await tenant.SendAsync(eve, id, "hello everyone");
        var joined = Assert.Single(await server.ReadAsync(tenant.Id, position), e => e.Type == "conversation.member.added");
        Assert.Equal(id, joined.ConversationId);
        Assert.Equal("owner", (await alice.GetAsync($"/v1/conversations/{id}").ExpectJson(200)).Str("myRole"));
    }

    [Fact]
    public async Task A_joined_member_can_leave_and_join_again()
    {
        var (tenant, id, _) = await PublicChannelAsync("revolving");
        var eve = await tenant.SessionAsync("eve");
        await eve.PostJsonAsync($"/v1/conversations/{id}/members", new { userIds = Ids("eve") }).ExpectJson(201);

        await eve.DeleteAsync($"/v1/conversations/{id}/members/eve").Expect(204);
        Assert.Null((await eve.GetAsync($"/v1/conversations/{id}").ExpectJson(200)).StrOrNull("myRole"));

        await eve.PostJsonAsync($"/v1/conversations/{id}/members", new { userIds = Ids("eve") }).ExpectJson(201);
        Assert.Equal("member", (await eve.GetAsync($"/v1/conversations/{id}").ExpectJson(200)).Str("myRole"));
    }

    [Fact]
    public async Task Joining_a_public_channel_one_already_belongs_to_changes_nothing_and_is_not_refused()
    {
        var (tenant, id, alice) = await PublicChannelAsync("twice");
        var eve = await tenant.SessionAsync("eve");
        await eve.PostJsonAsync($"/v1/conversations/{id}/members", new { userIds = Ids("eve") }).ExpectJson(201);
        var before = await SnapshotAsync(alice, id);

        var again = await eve.PostJsonAsync($"/v1/conversations/{id}/members", new { userIds = Ids("eve") }).ExpectJson(200, 201);

        Assert.Equal(JsonValueKind.Array, again.ValueKind);
        Assert.Equal(before, await SnapshotAsync(alice, id));
    }

    [Fact]
    public async Task A_reader_cannot_add_anyone_else_to_a_public_channel()
    {
        var (tenant, id, alice) = await PublicChannelAsync("no_invites");
        var eve = await tenant.SessionAsync("eve");
        await tenant.UpsertUserAsync("frank");
        var before = await SnapshotAsync(alice, id);
        var position = await server.LastPositionAsync(tenant.Id);

        await eve.PostJsonAsync($"/v1/conversations/{id}/members", new { userIds = Ids("frank") }).ExpectProblem(403);
        await eve.PostJsonAsync($"/v1/conversations/{id}/members", new { userIds = Ids("eve", "frank") }).ExpectProblem(403);

        Assert.Equal(before, await SnapshotAsync(alice, id));
        Assert.Equal(position, await server.LastPositionAsync(tenant.Id));
    }

    [Fact]
    public async Task A_joined_plain_member_still_cannot_add_others()
    {
        var (tenant, id, _) = await PublicChannelAsync("members_only");
        var eve = await tenant.SessionAsync("eve");
        await tenant.UpsertUserAsync("frank");
        await eve.PostJsonAsync($"/v1/conversations/{id}/members", new { userIds = Ids("eve") }).ExpectJson(201);

        await eve.PostJsonAsync($"/v1/conversations/{id}/members", new { userIds = Ids("frank") }).ExpectProblem(403, "MISSING_PERMISSION");
    }

    [Theory]
    [InlineData("group")]
    [InlineData("channel")]
    [InlineData("bot")]
    public async Task A_conversation_without_a_public_username_cannot_be_joined_or_read(string type)
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var eve = await tenant.SessionAsync("eve");
        var id = await tenant.CreateConversationAsync(alice, type);
        var before = await SnapshotAsync(alice, id);
        var position = await server.LastPositionAsync(tenant.Id);

        await eve.PostJsonAsync($"/v1/conversations/{id}/members", new { userIds = Ids("eve") }).ExpectProblem(404, "CONVERSATION_NOT_FOUND");
        await eve.GetAsync($"/v1/conversations/{id}").ExpectProblem(404, "CONVERSATION_NOT_FOUND");

        Assert.Equal(before, await SnapshotAsync(alice, id));
        Assert.Equal(position, await server.LastPositionAsync(tenant.Id));
    }

    [Fact]
    public async Task A_user_of_another_tenant_cannot_read_or_join_a_public_channel()
    {
        var (_, id, alice) = await PublicChannelAsync("tenant_only");
        var before = await SnapshotAsync(alice, id);
        var elsewhere = await server.NewTenantAsync();
        var eve = await elsewhere.SessionAsync("eve");

        await eve.GetAsync($"/v1/conversations/{id}").ExpectProblem(404);
        await eve.GetAsync($"/v1/conversations/{id}/messages").ExpectProblem(404);
        await eve.PostJsonAsync($"/v1/conversations/{id}/members", new { userIds = Ids("eve") }).ExpectProblem(404);

        Assert.Equal(before, await SnapshotAsync(alice, id));
    }

    private async Task<(TestTenant Tenant, string Id, HttpClient Owner)> PublicChannelAsync(string publicUsername)
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var created = await alice.PostJsonAsync("/v1/conversations", new { type = "channel", participantIds = Array.Empty<string>(), title = "Open", publicUsername })
            .ExpectJson(201);
        return (tenant, created.Str("id"), alice);
    }

    private static async Task<string> SnapshotAsync(HttpClient client, string id) =>
        (await client.GetAsync($"/v1/conversations/{id}").ExpectJson(200)).GetRawText();

    private static string[] Ids(params string[] ids) => ids;
}
