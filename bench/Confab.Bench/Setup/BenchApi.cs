using System.Net.Http.Headers;

namespace Confab.Bench.Setup;

/// <summary>
/// The set-up a scenario needs, through the SDK: a tenant with its rate limits lifted, users with sessions,
/// conversations. Also a plain <see cref="HttpClient"/> for the measured REST calls, which skip the SDK's parsing.
/// </summary>
public sealed class BenchApi : IDisposable
{
    private const int SetupParallelism = 16;

    private readonly string adminKey;
    private readonly string? apiKey;

    /// <param name="apiKey">An existing tenant's key (--api-key) to use instead of creating a tenant.</param>
    public BenchApi(Uri address, string adminKey, string? apiKey = null)
    {
        this.adminKey = adminKey;
        this.apiKey = apiKey;
        Http = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
    }

    public HttpClient Http { get; }

    /// <summary>A fresh tenant (or the given one), its limits raised: a load generator sends far faster than a person.</summary>
    public async Task<ConfabServerClient> TenantAsync()
    {
        var key = apiKey ?? (await new ConfabAdminClient(Http, adminKey).CreateTenantAsync($"bench-{Guid.NewGuid():N}")).ApiKey;
        var backend = new ConfabServerClient(Http, key);
        // The highest limits the server accepts (1,666 messages/s per user): scenarios spread their load over users.
        await backend.UpdateSettingsAsync(new SettingsPatch { RateLimits = new RateLimitPatch
        {
            MessagesPerMinutePerUser = 100_000, RequestsPerMinutePerUser = 1_000_000,
            MessagesPerMinutePerTenant = 10_000_000, RequestsPerMinutePerTenant = 100_000_000,
        } });
        return backend;
    }

    /// <summary>User IDs unique to this run (a shared tenant given with --api-key may hold earlier runs' users).</summary>
    public static string[] NewUserIds(string prefix, int count)
    {
        var run = Guid.NewGuid().ToString("N")[..6];
        return [.. Enumerable.Range(0, count).Select(i => $"{prefix}{run}-{i:D5}")];
    }

    /// <summary>Creates the users and a session token for each, a few at a time.</summary>
    public static async Task<string[]> UsersWithTokensAsync(ConfabServerClient backend, IReadOnlyList<string> userIds)
    {
        var tokens = new string[userIds.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, userIds.Count), new ParallelOptions { MaxDegreeOfParallelism = SetupParallelism }, async (i, cancel) =>
        {
            await backend.UpsertUserAsync(userIds[i], new UpsertUserRequest { Name = userIds[i] }, cancel);
            tokens[i] = (await backend.IssueSessionAsync(userIds[i], cancel: cancel)).Token;
        });
        return tokens;
    }

    /// <summary>What most scenarios start from: a fresh tenant and <paramref name="count"/> users of it, each with a session token.</summary>
    public async Task<(string[] UserIds, string[] Tokens)> UsersInNewTenantAsync(string prefix, int count)
    {
        var userIds = NewUserIds(prefix, count);
        return (userIds, await UsersWithTokensAsync(await TenantAsync(), userIds));
    }

    public ConfabClient AsUser(string token) => new(Http, token);

    /// <summary>A group created by the owner with these other members (added 500 at a time); its ID.</summary>
    public async Task<string> GroupAsync(string ownerToken, IReadOnlyList<string> otherUserIds)
    {
        var owner = AsUser(ownerToken);
        var group = await owner.Conversations.CreateAsync(new CreateConversationRequest
        {
            Type = "group", Title = "bench", ParticipantIds = [.. otherUserIds.Take(500)],
        });
        foreach (var chunk in otherUserIds.Skip(500).Chunk(500)) await owner.Members.AddAsync(group.Conversation.Id, chunk);
        return group.Conversation.Id;
    }

    /// <summary>Runs <paramref name="step"/> for every index, a few at a time.</summary>
    public static Task ForEachAsync(int count, Func<int, Task> step) =>
        Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = SetupParallelism }, async (i, _) => await step(i));

    /// <summary>A request as the session's user, for the measured calls.</summary>
    public static HttpRequestMessage UserRequest(HttpMethod method, string path, string token, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    /// <summary>A text message sent as the session's user (REST), for the measured calls.</summary>
    public static HttpRequestMessage SendTextRequest(string conversationId, string token, string text) =>
        UserRequest(HttpMethod.Post, $"v1/conversations/{conversationId}/messages", token,
            new StringContent(System.Text.Json.JsonSerializer.Serialize(new { text }), System.Text.Encoding.UTF8, "application/json"));

    public void Dispose() => Http.Dispose();
}
