using Confab.Tests.Infrastructure;

namespace Confab.Tests.Messages;

public sealed class ReactionTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task A_reaction_is_aggregated_per_emoji_with_who_reacted_and_announced_to_members()
    {
        var (tenant, alice, bob, group, message) = await SetUpAsync();
        var position = await server.LastPositionAsync(tenant.Id);

        var reacted = await alice.PostJsonAsync(Url(group, message, "reactions"), new { emoji = "👍" }).ExpectJson(200);
        await bob.PostJsonAsync(Url(group, message, "reactions"), new { emoji = "👍" }).ExpectJson(200);
        await bob.PostJsonAsync(Url(group, message, "reactions"), new { emoji = "🎉" }).ExpectJson(200);

        var mine = Assert.Single(reacted.GetProperty("reactions").EnumerateArray());
        Assert.Equal("👍", mine.Str("emoji"));
        Assert.True(mine.GetProperty("reactedByMe").GetBoolean());
        var seenByAlice = (await alice.GetAsync($"/v1/conversations/{group}/messages").ExpectJson(200)).Items()[0].GetProperty("reactions").EnumerateArray().ToArray();
        Assert.Equal(["👍", "🎉"], seenByAlice.Select(r => r.Str("emoji")));
        Assert.Equal(2, seenByAlice[0].GetProperty("count").GetInt32());
        Assert.Equal(["alice", "bob"], seenByAlice[0].GetProperty("users").EnumerateArray().Select(u => u.Str("id")));
        Assert.True(seenByAlice[0].GetProperty("reactedByMe").GetBoolean());
        Assert.False(seenByAlice[1].GetProperty("reactedByMe").GetBoolean());

        var announced = (await server.ReadAsync(tenant.Id, position)).Where(e => e.Type == "message.reaction").ToList();
        Assert.Equal(3, announced.Count);
        Assert.All(announced, e => Assert.Equal(group, e.ConversationId));
        Assert.Contains("\"count\":2", announced[1].Payload, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reacting_twice_changes_nothing_and_removing_works_by_body_and_by_path()
    {
        var (tenant, alice, _, group, message) = await SetUpAsync();
        await alice.PostJsonAsync(Url(group, message, "reactions"), new { emoji = "🔥" }).ExpectJson(200);
        var position = await server.LastPositionAsync(tenant.Id);

        var again = await alice.PostJsonAsync(Url(group, message, "reactions"), new { emoji = "🔥" }).ExpectJson(200);
        Assert.Equal(1, again.GetProperty("reactions")[0].GetProperty("count").GetInt32());
        Assert.Equal(position, await server.LastPositionAsync(tenant.Id));

        var removed = await alice.DeleteJsonAsync(Url(group, message, "reactions"), new { emoji = "🔥" }).ExpectJson(200);
        Assert.Empty(removed.GetProperty("reactions").EnumerateArray());
        await alice.PostJsonAsync(Url(group, message, "reactions"), new { emoji = ":party_parrot:" }).ExpectJson(200);
        var byPath = await alice.DeleteAsync(Url(group, message, "reactions/" + Uri.EscapeDataString(":party_parrot:"))).ExpectJson(200);
        Assert.Empty(byPath.GetProperty("reactions").EnumerateArray());
        Assert.Equal(3, (await server.ReadAsync(tenant.Id, position)).Count(e => e.Type == "message.reaction"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("like")]
    [InlineData("👍 and more words")]
    [InlineData(":Not Valid:")]
    [InlineData("<script>")]
    public async Task Anything_but_one_emoji_or_a_shortcode_is_refused_and_changes_nothing(string emoji)
    {
        var (tenant, alice, _, group, message) = await SetUpAsync();
        var position = await server.LastPositionAsync(tenant.Id);

        await alice.PostJsonAsync(Url(group, message, "reactions"), new { emoji }).ExpectProblem(400, "INVALID_EMOJI");

        Assert.Equal(position, await server.LastPositionAsync(tenant.Id));
    }

    [Fact]
    public async Task A_message_takes_at_most_fifty_different_emoji_but_more_people_on_one_already_there()
    {
        var (_, alice, bob, group, message) = await SetUpAsync();
        foreach (var emoji in Enumerable.Range(0x1F600, 50).Select(char.ConvertFromUtf32))
            await alice.PostJsonAsync(Url(group, message, "reactions"), new { emoji }).ExpectJson(200);

        await bob.PostJsonAsync(Url(group, message, "reactions"), new { emoji = "🚀" }).ExpectProblem(409, "REACTION_LIMIT");
        var joined = await bob.PostJsonAsync(Url(group, message, "reactions"), new { emoji = char.ConvertFromUtf32(0x1F600) }).ExpectJson(200);
        Assert.Equal(2, joined.GetProperty("reactions")[0].GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task Only_members_react_and_deleted_messages_take_no_reactions_and_lose_theirs()
    {
        var (tenant, alice, _, group, message) = await SetUpAsync();
        var eve = await tenant.SessionAsync("eve");
        await eve.PostJsonAsync(Url(group, message, "reactions"), new { emoji = "👍" }).ExpectProblem(404);

        await alice.PostJsonAsync(Url(group, message, "reactions"), new { emoji = "👍" }).ExpectJson(200);
        await alice.DeleteAsync($"/v1/conversations/{group}/messages/{message}").Expect(204);
        var tombstone = (await alice.GetAsync($"/v1/conversations/{group}/messages").ExpectJson(200)).Items()[0];
        Assert.Empty(tombstone.GetProperty("reactions").EnumerateArray());
        await alice.PostJsonAsync(Url(group, message, "reactions"), new { emoji = "👍" }).ExpectProblem(409, "MESSAGE_DELETED");
    }

    private async Task<(TestTenant Tenant, HttpClient Alice, HttpClient Bob, string Group, string Message)> SetUpAsync()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var message = (await tenant.SendAsync(bob, group, "ship it?")).Str("id");
        return (tenant, alice, bob, group, message);
    }

    private static string Url(string group, string message, string tail) => $"/v1/conversations/{group}/messages/{message}/{tail}";
}
