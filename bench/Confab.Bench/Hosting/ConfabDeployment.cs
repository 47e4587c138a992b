namespace Confab.Bench.Hosting;

/// <summary>
/// The Confab a scenario runs against: one or more pinned server processes over a fresh store (a data
/// directory, plus a fresh PostgreSQL database when on PostgreSQL), or an already running server (--url).
/// The nodes can be stopped and started again over the same store, for seeding it directly in between.
/// </summary>
public sealed class ConfabDeployment : IAsyncDisposable
{
    private readonly List<ChildProcess> processes = [];
    private readonly List<ServerUnderTest> nodes = [];
    private readonly string dataDirectory = ServerProcess.NewDataDirectory();
    private readonly int nodeCount;

    private ConfabDeployment(int nodeCount, PostgresDatabase? database, string adminKey)
    {
        this.nodeCount = nodeCount;
        Database = database;
        AdminKey = adminKey;
    }

    public IReadOnlyList<ServerUnderTest> Nodes => nodes;

    public PostgresDatabase? Database { get; }

    public string AdminKey { get; }

    /// <summary>Whether the bench runs the server itself, so it can stop it and reach its store.</summary>
    public bool Owned => nodeCount > 0;

    public string SqliteFile => Path.Combine(dataDirectory, "confab.db");

    public static async Task<ConfabDeployment> StartAsync(int nodeCount, string? postgresServer)
    {
        var database = postgresServer is null ? null : await PostgresDatabase.CreateAsync(postgresServer);
        var deployment = new ConfabDeployment(nodeCount, database, ServerProcess.AdminKey);
        try
        {
            await deployment.StartNodesAsync();
        }
        catch
        {
            await deployment.DisposeAsync();
            throw;
        }
        return deployment;
    }

    public static ConfabDeployment Existing(Uri address, string adminKey)
    {
        var deployment = new ConfabDeployment(0, null, adminKey);
        deployment.nodes.Add(new ServerUnderTest(address, speaksConfab: true, process: null));
        return deployment;
    }

    /// <summary>Stops the nodes and keeps the store.</summary>
    public async Task StopAsync()
    {
        foreach (var process in processes) await process.DisposeAsync();
        processes.Clear();
        nodes.Clear();
    }

    public async Task StartNodesAsync()
    {
        for (var n = 0; n < nodeCount; n++)
        {
            var process = await ServerProcess.StartAsync(DirectoryOf(n), Database?.ConnectionString);
            processes.Add(process);
            nodes.Add(new ServerUnderTest(process.Address, speaksConfab: true, process));
        }
    }

    /// <summary>Each node its own data directory (keys, uploads); on SQLite there is one node, on the first.</summary>
    private string DirectoryOf(int node) => node == 0 ? dataDirectory : $"{dataDirectory}-{node}";

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        for (var n = 0; n < nodeCount; n++) ServerProcess.DeleteDataDirectory(DirectoryOf(n));
        if (Database is not null) await Database.DisposeAsync();
    }
}
