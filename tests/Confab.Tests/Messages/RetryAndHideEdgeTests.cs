using Confab.Tests.Infrastructure;

namespace Confab.Tests.Messages;

public sealed class RetryAndHideEdgeTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task A_retry_returns_the_original_even_after_the_sender_was_muted()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var original = await tenant.SendAsync(bob, group, "hello", clientMessageId: "c-1");
        await alice.PatchJsonAsync($"/v1/conversations/{group}/members/bob", new { mutedUntil = server.Clock.GetUtcNow().AddHours(1) }).ExpectJson(200);

        var retry = await bob.PostJsonAsync($"/v1/conversations/{group}/messages", new { text = "hello", clientMessageId = "c-1" }).ExpectJson(200);

        Assert.Equal(original.Str("id"), retry.Str("id"));
        await bob.PostJsonAsync($"/v1/conversations/{group}/messages", new { text = "new", clientMessageId = "c-2" }).ExpectProblem(403, "MEMBER_MUTED");
    }

    [Fact]
    public async Task Hiding_a_message_twice_succeeds_and_appends_one_event()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");
        var direct = await tenant.CreateConversationAsync(alice, "direct", "bob");
        var message = await tenant.SendAsync(alice, direct, "hi");
        var position = await server.LastPositionAsync(tenant.Id);

        await alice.DeleteAsync($"/v1/conversations/{direct}/messages/{message.Str("id")}?scope=me").Expect(204);
        await alice.DeleteAsync($"/v1/conversations/{direct}/messages/{message.Str("id")}?scope=me").Expect(204);

        Assert.Single(await server.ReadAsync(tenant.Id, position));
    }
}
