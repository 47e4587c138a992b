namespace Confab.Tests.Infrastructure;

/// <summary>Runs only when CONFAB_TEST_POSTGRES names a PostgreSQL server (clusters need one).</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!TestDatabase.UsesPostgres) Skip = $"Needs {TestDatabase.Variable}.";
    }
}

/// <summary>Runs only on the embedded store: for what only SQLite does (one writer, so writes share transactions).</summary>
public sealed class SqliteFactAttribute : FactAttribute
{
    public SqliteFactAttribute()
    {
        if (TestDatabase.UsesPostgres) Skip = $"SQLite only; {TestDatabase.Variable} is set.";
    }
}

/// <summary>Server processes (nodes) sharing one fresh PostgreSQL database, with a short node lease.</summary>
public sealed class TestCluster : IAsyncDisposable
{
    public const double LeaseSeconds = 2;

    private readonly TestDatabase database = new();
    private readonly List<NodeProcess> nodes = [];

    /// <summary>Starts a node; nodes may start together (they take turns applying the migrations).</summary>
    public async Task<NodeProcess> StartNodeAsync()
    {
        var node = await NodeProcess.StartAsync(new Dictionary<string, string>
        {
            ["Confab__Store"] = "postgres",
            ["ConnectionStrings__Confab"] = database.ConnectionString!,
            ["Confab__NodeLeaseSeconds"] = LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        lock (nodes) nodes.Add(node);
        return node;
    }

    /// <summary>A tenant (made through <paramref name="node"/>) with rate limits far above what tests do; returns its ID and API key.</summary>
    public static async Task<(string Id, string ApiKey)> NewTenantAsync(NodeProcess node)
    {
        using var admin = node.Client(c => c.DefaultRequestHeaders.Add("X-Admin-Key", NodeProcess.AdminKey));
        var created = await admin.PostJsonAsync("/admin/v1/tenants", new { name = "Cluster" }).ExpectJson(201);
        using var backend = Backend(node, created.Str("apiKey"));
        await backend.PatchJsonAsync("/server/v1/settings",
            new
            {
                rateLimits = new
                {
                    messagesPerMinutePerUser = 100_000, requestsPerMinutePerUser = 1_000_000,
                    messagesPerMinutePerTenant = 10_000_000, requestsPerMinutePerTenant = 100_000_000,
                },
            }).ExpectJson(200);
        return (created.Str("id"), created.Str("apiKey"));
    }

    public static HttpClient Backend(NodeProcess node, string apiKey) => node.Client(c => c.DefaultRequestHeaders.Add("X-API-Key", apiKey));

    /// <summary>Creates the user and issues a session token for it.</summary>
    public static async Task<string> TokenAsync(NodeProcess node, string apiKey, string userId)
    {
        using var backend = Backend(node, apiKey);
        await backend.PutJsonAsync($"/server/v1/users/{userId}", new { name = userId }).ExpectJson(200, 201);
        return (await backend.PostJsonAsync("/server/v1/sessions", new { userId }).ExpectJson(201)).Str("token");
    }

    public static HttpClient Session(NodeProcess node, string token) =>
        node.Client(c => c.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in nodes) await node.DisposeAsync();
        database.Dispose();
    }
}
