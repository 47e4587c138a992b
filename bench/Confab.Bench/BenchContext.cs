using Confab.Bench.Hosting;
using Confab.Bench.Setup;

namespace Confab.Bench;

/// <summary>
/// What every scenario of a run shares: the options, the PostgreSQL server (when one is available) and how to
/// start a fresh Confab, or reach the one given with --url, and the ceiling.
/// </summary>
public sealed class BenchContext(BenchOptions options, string? postgresServer)
{
    public BenchOptions Options { get; } = options;

    /// <summary>The connection string bench databases are created with, or null when PostgreSQL is unavailable.</summary>
    public string? PostgresServer { get; } = postgresServer;

    /// <summary>The store the main scenarios run on.</summary>
    public bool OnPostgres => Options.Postgres && PostgresServer is not null;

    public string StoreName(bool postgres) => Options.Url is not null ? "the given server" : postgres ? "PostgreSQL" : "SQLite";

    /// <summary>
    /// A fresh Confab for one scenario (nodes over one store), or the --url server. <paramref name="postgres"/>
    /// null means the run's store.
    /// </summary>
    public Task<ConfabDeployment> StartConfabAsync(bool? postgres = null, int nodes = 1)
    {
        if (Options.Url is not null) return Task.FromResult(ConfabDeployment.Existing(Options.Url, Options.AdminKey ?? ""));
        return ConfabDeployment.StartAsync(nodes, (postgres ?? OnPostgres) ? PostgresServer : null);
    }

    public BenchApi Api(ConfabDeployment confab) => new(confab.Nodes[0].Address, confab.AdminKey, Options.ApiKey);
}
