using Confab.Tests.Infrastructure;

namespace Confab.Tests.Messages;

/// <summary>
/// What counts as a match, the same on every engine: words are runs of letters and digits, compared without case
/// or accents; every word of the query must occur (a word with punctuation as a phrase of its parts); only the
/// last word may be the start of a longer one; shorter texts rank above longer ones with the word as often.
/// </summary>
public sealed class SearchWordTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Theory]
    [InlineData("Meet at the Café", "cafe", true)]
    [InlineData("meet at the cafe", "CAFÉ", true)]
    [InlineData("see docs.example.com/guide", "example", true)]
    [InlineData("see docs.example.com/guide", "guide", true)]
    [InlineData("a well-known trick", "known", true)]
    [InlineData("a well-known trick", "well-known", true)]
    [InlineData("a known well trick", "well-known", false)]
    [InlineData("write to ops@acme.io today", "acme", true)]
    [InlineData("the launch checklist", "launch check", true)]
    [InlineData("the launch checklist", "laun checklist", false)]
    [InlineData("the launch checklist", "checklist missing", false)]
    [InlineData("version 2.5 ships", "5", true)]
    public async Task A_message_matches_when_every_word_occurs(string text, string query, bool matches)
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");
        var sent = (await tenant.SendAsync(alice, await tenant.CreateConversationAsync(alice, "direct", "bob"), text)).Str("id");

        var found = (await alice.GetAsync($"/v1/search/messages?q={Uri.EscapeDataString(query)}").ExpectJson(200)).Items().Select(m => m.Str("id"));
        Assert.Equal(matches ? [sent] : [], found);
    }

    [Fact]
    public async Task A_short_message_with_the_word_ranks_above_a_long_one()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");
        var direct = await tenant.CreateConversationAsync(alice, "direct", "bob");
        var filler = string.Join(' ', Enumerable.Range(0, 40).Select(i => $"filler{i}"));
        var longer = (await tenant.SendAsync(alice, direct, $"budget {filler}")).Str("id");
        var shorter = (await tenant.SendAsync(alice, direct, "the budget")).Str("id");
        var older = (await tenant.SendAsync(alice, direct, $"{filler} budget")).Str("id");

        var found = (await alice.GetAsync("/v1/search/messages?q=budget").ExpectJson(200)).Items().Select(m => m.Str("id")).ToList();
        Assert.Equal(shorter, found[0]);
        Assert.Equal([longer, older], found.Skip(1).Order(StringComparer.Ordinal));
    }
}
