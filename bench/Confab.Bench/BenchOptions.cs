namespace Confab.Bench;

/// <summary>The command line: <c>&lt;scenario&gt; [--quick] [--postgres [connection string]] [--url U --admin-key K [--api-key K]] [--out FILE]</c>.</summary>
public sealed record BenchOptions(
    string Scenario, bool Quick, bool Postgres, string? PostgresServer, Uri? Url, string? AdminKey, string? ApiKey, string OutputFile, int? Port)
{
    public static readonly string[] Scenarios = ["idle", "fanout", "chatmix", "persist", "history", "resume", "cluster", "all"];

    public const string Usage = """
        usage: dotnet run -c Release --project bench/Confab.Bench -- <scenario> [options]
          scenarios: idle, fanout, chatmix, persist, history, resume, cluster, all
          --quick                      short versions (all --quick takes under 5 minutes)
          --postgres [connection]      run the server on PostgreSQL (a fresh database per run, created with this
                                       connection's role; default CONFAB_BENCH_POSTGRES, else .ci/postgres.sh)
          --url http://host:port       use a running server instead of starting one (needs --admin-key or --api-key)
          --admin-key KEY              that server's admin key (a tenant is created per scenario)
          --api-key KEY                a tenant's API key to use instead of creating tenants
          --out FILE                   where the results go (default bench-results.json)
        """;

    public static BenchOptions? Parse(string[] args)
    {
        if (args.Length == 0) return null;
        string? Value(string name)
        {
            var at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length && !args[at + 1].StartsWith("--", StringComparison.Ordinal) ? args[at + 1] : null;
        }
        var url = Value("--url");
        var port = Value("--port");
        return new BenchOptions(
            args[0],
            args.Contains("--quick"),
            args.Contains("--postgres") || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(Hosting.PostgresDatabase.EnvironmentVariable)),
            Value("--postgres"),
            url is null ? null : new Uri(url),
            Value("--admin-key"),
            Value("--api-key"),
            Value("--out") ?? "bench-results.json",
            port is null ? null : int.Parse(port, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The quick or the full figure.</summary>
    public int Size(int quick, int full) => Quick ? quick : full;
}
