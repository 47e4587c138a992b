using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Conversations;

/// <summary>A group owned by alice, with one member per (user, role) given, each with a session.</summary>
public sealed record RoleGroup(ConfabServer Server, TestTenant Tenant, string Id, Dictionary<string, HttpClient> People)
{
    public HttpClient this[string user] => People[user];

    public static async Task<RoleGroup> CreateAsync(ConfabServer server, params (string User, string Role)[] roles)
    {
        var tenant = await server.NewTenantAsync();
        var people = new Dictionary<string, HttpClient> { ["alice"] = await tenant.SessionAsync("alice") };
        foreach (var (user, _) in roles) people[user] = await tenant.SessionAsync(user);
        var id = await tenant.CreateConversationAsync(people["alice"], "group", roles.Select(r => r.User).ToArray());
        foreach (var (user, role) in roles.Where(r => r.Role != "member"))
            await people["alice"].PatchJsonAsync($"/v1/conversations/{id}/members/{user}", new { role }).ExpectJson(200);
        return new RoleGroup(server, tenant, id, people);
    }

    /// <summary>Asserts the request is refused with this status (and code) and that nothing changed: same detail, no new event.</summary>
    public async Task ExpectRefusedAsync(Func<Task<HttpResponseMessage>> request, int status, string? code)
    {
        var before = await SnapshotAsync(People["alice"], Id);
        var position = await Server.LastPositionAsync(Tenant.Id);
        await request().ExpectProblem(status, code);
        Assert.Equal(before, await SnapshotAsync(People["alice"], Id));
        Assert.Equal(position, await Server.LastPositionAsync(Tenant.Id));
    }

    /// <summary>The conversation detail as raw JSON, to compare before and after.</summary>
    public static async Task<string> SnapshotAsync(HttpClient client, string id) =>
        (await client.GetAsync($"/v1/conversations/{id}").ExpectJson(200)).GetRawText();

    public static JsonElement MemberOf(JsonElement detail, string userId) =>
        Assert.Single(detail.GetProperty("members").EnumerateArray(), m => m.GetProperty("user").Str("id") == userId);

    /// <summary>The member's role, or null when the user is not a member.</summary>
    public static string? RoleOf(JsonElement detail, string userId) =>
        detail.GetProperty("members").EnumerateArray().Where(m => m.GetProperty("user").Str("id") == userId).Select(m => m.Str("role")).FirstOrDefault();
}
