using System.Diagnostics;
using Npgsql;

namespace Confab.Bench;

/// <summary>
/// One Confab node on SQLite, or several nodes on one fresh PostgreSQL database (a cluster), built once from
/// the Release configuration. Memory and CPU figures add up all nodes.
/// </summary>
public sealed class ServerCluster : IAsyncDisposable
{
    private readonly List<ServerProcess> nodes = [];
    private readonly string? postgresAdmin;
    private readonly string? database;

    private ServerCluster(string? postgresAdmin, string? database)
    {
        this.postgresAdmin = postgresAdmin;
        this.database = database;
    }

    public IReadOnlyList<ServerProcess> Nodes => nodes;

    public string Store => database is null ? "sqlite" : "postgres";

    /// <param name="postgres">A connection string to a PostgreSQL server whose role may create databases; null for SQLite.</param>
    public static async Task<ServerCluster> StartAsync(int nodeCount, string? postgres)
    {
        if (nodeCount > 1 && postgres is null) throw new ArgumentException("Several nodes need PostgreSQL: pass --postgres or set CONFAB_BENCH_POSTGRES.");
        var root = ServerProcess.FindRepositoryRoot();
        var build = Process.Start(new ProcessStartInfo("dotnet", "build -c Release src/Confab.Server --nologo -v q") { WorkingDirectory = root })!;
        await build.WaitForExitAsync();
        if (build.ExitCode != 0) throw new InvalidOperationException("Building the server failed.");

        var settings = new Dictionary<string, string>();
        string? database = null;
        if (postgres is not null)
        {
            database = $"confab_bench_{Guid.NewGuid():N}";
            await ExecuteAsync(postgres, $"CREATE DATABASE {database}");
            settings["Confab__Store"] = "postgres";
            settings["ConnectionStrings__Confab"] = new NpgsqlConnectionStringBuilder(postgres) { Database = database }.ConnectionString;
        }
        var cluster = new ServerCluster(postgres, database);
        try
        {
            for (var i = 0; i < nodeCount; i++) cluster.nodes.Add(await ServerProcess.StartAsync(root, settings));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
        return cluster;
    }

    public long ResidentBytes() => nodes.Sum(n => n.ResidentBytes());

    public TimeSpan CpuTime() => nodes.Aggregate(TimeSpan.Zero, (sum, n) => sum + n.CpuTime());

    /// <summary>The node the <paramref name="index"/>th client connects to: clients are spread round-robin.</summary>
    public Uri AddressFor(int index) => nodes[index % nodes.Count].Address;

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in nodes) await node.DisposeAsync();
        if (postgresAdmin is not null && database is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync(postgresAdmin, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }
    }
}
