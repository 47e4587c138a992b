namespace Confab.Bench;

/// <summary>The set-up a scenario needs, through the SDK: a tenant, users with sessions, a room.</summary>
public sealed class BenchApi(Uri address) : IDisposable
{
    private readonly HttpClient http = new() { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };

    public async Task<ConfabServerClient> CreateTenantAsync()
    {
        var tenant = await new ConfabAdminClient(http, ServerProcess.AdminKey).CreateTenantAsync("bench");
        var backend = new ConfabServerClient(http, tenant.ApiKey);
        // A load generator sends far faster than a person: the per-user limits would measure themselves.
        await backend.UpdateSettingsAsync(new SettingsPatch { RateLimits = new RateLimitPatch
        {
            MessagesPerMinutePerUser = 100_000, RequestsPerMinutePerUser = 1_000_000,
            MessagesPerMinutePerTenant = 10_000_000, RequestsPerMinutePerTenant = 100_000_000,
        } });
        return backend;
    }

    /// <summary>Creates the users and a session token for each, a few at a time.</summary>
    public static async Task<string[]> UsersWithTokensAsync(ConfabServerClient backend, IReadOnlyList<string> userIds)
    {
        var tokens = new string[userIds.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, userIds.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancel) =>
        {
            await backend.UpsertUserAsync(userIds[i], new UpsertUserRequest { Name = userIds[i] }, cancel);
            tokens[i] = (await backend.IssueSessionAsync(userIds[i], cancel: cancel)).Token;
        });
        return tokens;
    }

    public ConfabClient AsUser(string token) => new(http, token);

    /// <summary>A group of all the users, created by the first, members added 500 at a time.</summary>
    public async Task<string> RoomAsync(string ownerToken, IReadOnlyList<string> userIds)
    {
        var owner = AsUser(ownerToken);
        var room = await owner.Conversations.CreateAsync(new CreateConversationRequest { Type = "group", Title = "bench room" });
        foreach (var chunk in userIds.Skip(1).Chunk(500))
            await owner.Members.AddAsync(room.Conversation.Id, chunk);
        return room.Conversation.Id;
    }

    public void Dispose() => http.Dispose();
}
