using Confab.Tests.Infrastructure;

namespace Confab.Tests.Messages;

public sealed class PinAndStarTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Pinning_needs_pin_messages_shows_on_the_message_and_in_the_pins_list_and_reaches_members()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob, mo) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"), await tenant.SessionAsync("mo"));
        var group = await tenant.CreateConversationAsync(alice, "group", "bob", "mo");
        await alice.PatchJsonAsync($"/v1/conversations/{group}/members/mo", new { role = "moderator" }).ExpectJson(200);
        var first = (await tenant.SendAsync(bob, group, "first")).Str("id");
        var second = (await tenant.SendAsync(bob, group, "second")).Str("id");
        var position = await server.LastPositionAsync(tenant.Id);

        await bob.PostAsync($"/v1/conversations/{group}/messages/{first}/pin", null).ExpectProblem(403, "MISSING_PERMISSION");
        Assert.Equal(position, await server.LastPositionAsync(tenant.Id));

        Assert.True((await mo.PostAsync($"/v1/conversations/{group}/messages/{first}/pin", null).ExpectJson(200)).GetProperty("pinned").GetBoolean());
        server.Clock.Advance(TimeSpan.FromMilliseconds(5));
        await alice.PostAsync($"/v1/conversations/{group}/messages/{second}/pin", null).ExpectJson(200);
        await alice.PostAsync($"/v1/conversations/{group}/messages/{second}/pin", null).ExpectJson(200);

        var pins = await bob.GetAsync($"/v1/conversations/{group}/pins").ExpectJson(200);
        Assert.Equal([second, first], pins.Items().Select(m => m.Str("id")));
        Assert.All(pins.Items(), m => Assert.True(m.GetProperty("pinned").GetBoolean()));
        var updates = (await server.ReadAsync(tenant.Id, position)).Where(e => e.Type == "message.updated").ToList();
        Assert.Equal(2, updates.Count);
        Assert.Contains("\"pinned\":true", updates[0].Payload, StringComparison.Ordinal);

        var page = await bob.GetAsync($"/v1/conversations/{group}/pins?limit=1").ExpectJson(200);
        Assert.Equal(first, (await bob.GetAsync($"/v1/conversations/{group}/pins?limit=1&cursor={page.NextCursor()}").ExpectJson(200)).Items().Single().Str("id"));
        await bob.GetAsync($"/v1/starred?cursor={page.NextCursor()}").ExpectProblem(400, "INVALID_CURSOR");

        Assert.False((await alice.DeleteAsync($"/v1/conversations/{group}/messages/{second}/pin").ExpectJson(200)).GetProperty("pinned").GetBoolean());
        await alice.DeleteAsync($"/v1/conversations/{group}/messages/{first}").Expect(204);
        Assert.Empty((await bob.GetAsync($"/v1/conversations/{group}/pins").ExpectJson(200)).Items());
        await alice.PostAsync($"/v1/conversations/{group}/messages/{first}/pin", null).ExpectProblem(409, "MESSAGE_DELETED");
    }

    [Fact]
    public async Task Stars_are_personal_and_the_starred_list_shows_only_what_the_user_can_still_see()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob, eve) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"), await tenant.SessionAsync("eve"));
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var direct = await tenant.CreateConversationAsync(alice, "direct", "bob");
        var kept = (await tenant.SendAsync(alice, group, "keep this")).Str("id");
        var deleted = (await tenant.SendAsync(alice, direct, "soon gone")).Str("id");
        var position = await server.LastPositionAsync(tenant.Id);

        await bob.PostAsync($"/v1/conversations/{group}/messages/{kept}/star", null).Expect(204);
        await bob.PostAsync($"/v1/conversations/{group}/messages/{kept}/star", null).Expect(204);
        await bob.PostAsync($"/v1/conversations/{direct}/messages/{deleted}/star", null).Expect(204);
        await eve.PostAsync($"/v1/conversations/{group}/messages/{kept}/star", null).ExpectProblem(404);
        Assert.Equal(position, await server.LastPositionAsync(tenant.Id));

        Assert.Equal([deleted, kept], (await bob.GetAsync("/v1/starred").ExpectJson(200)).Items().Select(m => m.Str("id")));
        Assert.Empty((await alice.GetAsync("/v1/starred").ExpectJson(200)).Items());

        await alice.DeleteAsync($"/v1/conversations/{direct}/messages/{deleted}").Expect(204);
        Assert.Equal([kept], (await bob.GetAsync("/v1/starred").ExpectJson(200)).Items().Select(m => m.Str("id")));

        await bob.DeleteAsync($"/v1/conversations/{group}/members/bob").Expect(204);
        Assert.Empty((await bob.GetAsync("/v1/starred").ExpectJson(200)).Items());

        await alice.PostAsync($"/v1/conversations/{group}/messages/{kept}/star", null).Expect(204);
        await alice.DeleteAsync($"/v1/conversations/{group}/messages/{kept}/star").Expect(204);
        Assert.Empty((await alice.GetAsync("/v1/starred").ExpectJson(200)).Items());
    }
}
