using System.Net.Http.Headers;
using Confab.Server.Events;
using Confab.Server.Storage;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Confab.Tests.Infrastructure;

/// <summary>
/// The real server on Kestrel, bound to a free loopback port, over a fresh SQLite file in a temp
/// directory, or a fresh PostgreSQL database when CONFAB_TEST_POSTGRES is set (<see cref="TestDatabase"/>).
/// One per test class; tests isolate themselves by each creating their own tenant.
/// </summary>
public class ConfabServer : WebApplicationFactory<Program>
{
    public const string AdminKey = "test-admin-key-0123456789";

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "confab-tests", Guid.NewGuid().ToString("N"));

    public TestClock Clock { get; } = new();

    /// <summary>The server's store, for tests that read or write it directly.</summary>
    public Database Database => Services.GetRequiredService<Database>();

    /// <summary>The server's event log, for tests that append to it directly.</summary>
    public EventLog EventLog => Services.GetRequiredService<EventLog>();

    private readonly TestDatabase database = new();
    private ListenOptions? http1Endpoint;
    private ListenOptions? http2Endpoint;

    /// <summary>
    /// Waits until <paramref name="count"/> writes wait in SQLite's single lane, behind one the test holds, so that
    /// they share the next batch in the order they queued. On PostgreSQL writes never queue, and this returns at once.
    /// </summary>
    public async Task WritesQueuedAsync(int count)
    {
        if (Database.Engine.WriteConcurrency > 1) return;
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Database.QueuedWrites < count)
        {
            if (waited.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"{Database.QueuedWrites} of {count} writes queued after 30 s.");
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// Holds SQLite's single writer with a write of its own while <paramref name="queue"/> starts writes, which then
    /// share the batch after it; lets go afterwards (also when <paramref name="queue"/> throws) and waits for the held write.
    /// </summary>
    public async Task<T> HoldingTheWriterAsync<T>(Func<Task<T>> queue)
    {
        var release = new TaskCompletionSource();
        var holding = Database.WriteAsync(async _ => await release.Task);
        try
        {
            return await queue();
        }
        finally
        {
            release.SetResult();
            await holding;
        }
    }

    /// <summary>Full-text rows whose key is gone (there should be none): message_text has no tenant, only its key's ID.</summary>
    public Task<long> SearchTextWithoutKeyAsync() => Database.ReadAsync(db =>
        db.ScalarAsync<long>("SELECT COUNT(*) FROM message_text WHERE rowid NOT IN (SELECT id FROM search_keys)", null));

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Usage", "CA2214", Justification = "StartServer must run in the constructor; subclasses only add settings.")]
    public ConfabServer()
    {
        UseKestrel(options =>
        {
            options.Listen(System.Net.IPAddress.Loopback, 0, endpoint => http1Endpoint = endpoint);
            // HTTP/2 alone, in clear text by prior knowledge: what browsers speak to a server that offers it over TLS.
            options.Listen(System.Net.IPAddress.Loopback, 0, endpoint =>
            {
                endpoint.Protocols = HttpProtocols.Http2;
                http2Endpoint = endpoint;
            });
        });
        StartServer();
        ClientOptions.BaseAddress = AddressOf(http1Endpoint);
    }

    /// <summary>The endpoint that speaks only HTTP/2.</summary>
    public Uri Http2Address => AddressOf(http2Endpoint);

    private static Uri AddressOf(ListenOptions? endpoint) => new($"http://{endpoint!.IPEndPoint}");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Confab:DataDirectory", DataDirectory);
        builder.UseSetting("Confab:AdminKey", AdminKey);
        if (database.ConnectionString is { } connectionString)
        {
            builder.UseSetting("Confab:Store", "postgres");
            builder.UseSetting("ConnectionStrings:Confab", connectionString);
        }
        builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock)));
    }


    /// <summary>A client with no credentials.</summary>
    public HttpClient Anonymous() => CreateClient();

    public HttpClient AsAdmin() => With(client => client.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey));

    public HttpClient WithApiKey(string apiKey) => With(client => client.DefaultRequestHeaders.Add("X-API-Key", apiKey));

    public HttpClient WithSession(string token) => With(client => client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token));

    /// <summary>The tenant backend acting as one of its users (API key plus X-User-Id).</summary>
    public HttpClient ActingAs(string apiKey, string userId) => With(client =>
    {
        client.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        client.DefaultRequestHeaders.Add("X-User-Id", userId);
    });

    /// <summary>
    /// Creates a tenant with its own API key; every test starts from one. Its rate limits are raised far above
    /// what tests do, unless <paramref name="specRateLimits"/> keeps the spec's defaults (60 messages and 600
    /// requests a minute per user) for the tests of those limits and of the defaults themselves.
    /// </summary>
    public async Task<TestTenant> NewTenantAsync(string name = "Test tenant", bool specRateLimits = false)
    {
        var created = await AsAdmin().PostJsonAsync("/admin/v1/tenants", new { name }).ExpectJson(201);
        var tenant = new TestTenant(this, created.Str("id"), created.Str("apiKey"));
        if (!specRateLimits)
        {
            await tenant.Backend.PatchJsonAsync("/server/v1/settings",
                new
                {
                    rateLimits = new
                    {
                        messagesPerMinutePerUser = 100_000, requestsPerMinutePerUser = 1_000_000,
                        messagesPerMinutePerTenant = 10_000_000, requestsPerMinutePerTenant = 100_000_000,
                    },
                }).ExpectJson(200);
        }
        return tenant;
    }

    private HttpClient With(Action<HttpClient> configure)
    {
        var client = CreateClient();
        configure(client);
        return client;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        database.Dispose();
        try { Directory.Delete(DataDirectory, recursive: true); } catch (IOException) { }
    }
}

/// <summary>The server with <c>Confab:Demo</c> on: a seeded demo tenant and the demo page.</summary>
public sealed class DemoConfabServer : ConfabServer
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Confab:Demo", "true");
    }
}
