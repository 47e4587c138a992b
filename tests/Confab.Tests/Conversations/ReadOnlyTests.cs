using Confab.Tests.Infrastructure;

namespace Confab.Tests.Conversations;

/// <summary>A <c>readOnly</c> conversation rejects messages from members without <c>manage_messages</c> (403 READ_ONLY).</summary>
public sealed class ReadOnlyTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Theory]
    [InlineData("mia")]
    [InlineData("gus")]
    public async Task Members_without_manage_messages_get_READ_ONLY(string who)
    {
        var channel = await ReadOnlyChannelAsync();
        var position = await server.LastPositionAsync(channel.Tenant.Id);

        await channel[who].PostJsonAsync($"/v1/conversations/{channel.Id}/messages", new { text = "may I?" }).ExpectProblem(403, "READ_ONLY");

        Assert.Equal(position, await server.LastPositionAsync(channel.Tenant.Id));
        Assert.Empty((await channel["alice"].GetAsync($"/v1/conversations/{channel.Id}/messages").ExpectJson(200)).Items());
    }

    [Theory]
    [InlineData("alice")]
    [InlineData("adam")]
    [InlineData("mo")]
    public async Task Owner_admins_and_moderators_post_in_a_read_only_conversation(string who)
    {
        var channel = await ReadOnlyChannelAsync();

        var message = await channel.Tenant.SendAsync(channel[who], channel.Id, "announcement");

        Assert.Equal(who, message.GetProperty("sender").Str("id"));
        Assert.Single((await channel["mia"].GetAsync($"/v1/conversations/{channel.Id}/messages").ExpectJson(200)).Items());
    }

    [Fact]
    public async Task A_member_granted_manage_messages_may_post_and_a_moderator_stripped_of_it_may_not()
    {
        var channel = await ReadOnlyChannelAsync();
        await channel["alice"].PatchJsonAsync($"/v1/conversations/{channel.Id}/members/mia", new { permissions = Ids("send_messages", "manage_messages") }).ExpectJson(200);
        await channel["alice"].PatchJsonAsync($"/v1/conversations/{channel.Id}/members/mo", new { permissions = Ids("send_messages", "manage_members") }).ExpectJson(200);

        await channel.Tenant.SendAsync(channel["mia"], channel.Id, "granted");
        await channel["mo"].PostJsonAsync($"/v1/conversations/{channel.Id}/messages", new { text = "stripped" }).ExpectProblem(403, "READ_ONLY");
    }

    [Fact]
    public async Task Turning_readOnly_on_and_off_by_patch_takes_effect_at_once()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, mia) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("mia"));
        var id = await tenant.CreateConversationAsync(alice, "group", "mia");
        await tenant.SendAsync(mia, id, "before");

        await alice.PatchJsonAsync($"/v1/conversations/{id}", new { readOnly = true }).ExpectJson(200);
        await mia.PostJsonAsync($"/v1/conversations/{id}/messages", new { text = "during" }).ExpectProblem(403, "READ_ONLY");

        await alice.PatchJsonAsync($"/v1/conversations/{id}", new { readOnly = false }).ExpectJson(200);
        await tenant.SendAsync(mia, id, "after");
        Assert.Equal(2, (await alice.GetAsync($"/v1/conversations/{id}/messages").ExpectJson(200)).Items().Length);
    }

    /// <summary>A read-only channel owned by alice: admin adam, moderator mo, member mia, guest gus, each with a session.</summary>
    private async Task<Channel> ReadOnlyChannelAsync()
    {
        var tenant = await server.NewTenantAsync();
        var roles = new[] { ("adam", "admin"), ("mo", "moderator"), ("mia", "member"), ("gus", "guest") };
        var people = new Dictionary<string, HttpClient> { ["alice"] = await tenant.SessionAsync("alice") };
        foreach (var (user, _) in roles) people[user] = await tenant.SessionAsync(user);
        var created = await people["alice"].PostJsonAsync("/v1/conversations", new
        {
            type = "channel", participantIds = roles.Select(r => r.Item1).ToArray(), title = "Announcements", readOnly = true,
        }).ExpectJson(201);
        var id = created.Str("id");
        foreach (var (user, role) in roles.Where(r => r.Item2 != "member"))
            await people["alice"].PatchJsonAsync($"/v1/conversations/{id}/members/{user}", new { role }).ExpectJson(200);
        return new Channel(tenant, id, people);
    }

    private sealed record Channel(TestTenant Tenant, string Id, Dictionary<string, HttpClient> People)
    {
        public HttpClient this[string user] => People[user];
    }

    private static string[] Ids(params string[] ids) => ids;
}
