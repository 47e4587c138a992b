using Confab.Tests.Infrastructure;

namespace Confab.Tests.Conversations;

public sealed class DirectConversationEdgeTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task A_direct_conversation_cannot_be_created_read_only()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");
        var position = await server.LastPositionAsync(tenant.Id);

        await alice.PostJsonAsync("/v1/conversations", new { type = "direct", participantIds = Ids("bob"), readOnly = true }).ExpectProblem(400);

        Assert.Equal(position, await server.LastPositionAsync(tenant.Id));
        Assert.Empty((await alice.GetAsync("/v1/conversations").ExpectJson(200)).Items());
    }

    [Fact]
    public async Task A_user_recreated_after_deletion_starts_a_new_direct_conversation_with_an_old_partner()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");
        var old = await tenant.CreateConversationAsync(alice, "direct", "bob");
        await tenant.Backend.DeleteAsync("/server/v1/users/bob").Expect(204);

        var bob = await tenant.SessionAsync("bob");
        var fresh = await bob.PostJsonAsync("/v1/conversations", new { type = "direct", participantIds = Ids("alice") }).ExpectJson(201);
        Assert.NotEqual(old, fresh.Str("id"));
        Assert.Equal(fresh.Str("id"), await tenant.CreateConversationAsync(alice, "direct", "bob"));
        await bob.GetAsync($"/v1/conversations/{old}").ExpectProblem(404);
    }

    [Fact]
    public async Task The_owner_cannot_be_handed_a_restricted_permission_list()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var before = await RoleGroup.SnapshotAsync(alice, group);

        await alice.PatchJsonAsync($"/v1/conversations/{group}/members/bob", new { role = "owner", permissions = Ids("send_messages") }).ExpectProblem(400);

        Assert.Equal(before, await RoleGroup.SnapshotAsync(alice, group));
    }

    private static string[] Ids(params string[] ids) => ids;
}
