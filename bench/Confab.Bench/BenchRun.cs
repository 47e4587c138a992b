using System.Diagnostics;
using Confab.Bench.Hosting;
using Confab.Bench.Report;
using Confab.Bench.Scenarios;

namespace Confab.Bench;

/// <summary>Runs the chosen scenarios one after another, prints each one's table, and writes them all to one file.</summary>
public static class BenchRun
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        var clock = Stopwatch.StartNew();
        Pinning.PinGenerator();
        Console.WriteLine($"confab bench: {options.Scenario}{(options.Quick ? " --quick" : "")}; {Pinning.Describe()}");
        var loadAtStart = MachineLoad.Describe();
        Console.WriteLine($"at start: {loadAtStart}");
        var wantsPostgres = options.Postgres || options.Scenario is "all" or "cluster";
        var postgresServer = wantsPostgres && options.Url is null ? await PostgresDatabase.FindServerAsync(options.PostgresServer) : null;
        if (options.Postgres && postgresServer is null)
        {
            Console.Error.WriteLine($"--postgres: no PostgreSQL connection string (give one, set {PostgresDatabase.EnvironmentVariable}, or make .ci/postgres.sh work).");
            return 2;
        }
        var context = new BenchContext(options, postgresServer);
        if (options.Url is null)
        {
            Console.WriteLine("building the server (Release)...");
            await ServerProcess.BuildAsync();
        }

        var reports = new List<ScenarioReport>();
        foreach (var (name, run) in Plan(context))
        {
            Console.WriteLine($"running {name}...");
            var scenarioClock = Stopwatch.StartNew();
            ScenarioReport report;
            try
            {
                report = await run();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                report = new ScenarioReport(name, $"{name}: FAILED") { Failed = true }.Note(e.ToString());
            }
            report.Seconds = scenarioClock.Elapsed.TotalSeconds;
            ResultTable.Print(report, Console.Out);
            reports.Add(report);
        }

        var misses = reports.Sum(r => r.Rows.Count(row => row.Met == false));
        var failed = reports.Where(r => r.Failed).Select(r => r.Scenario).ToList();
        var loadAtEnd = MachineLoad.Describe();
        Console.WriteLine();
        Console.WriteLine($"at start: {loadAtStart}; at the end: {loadAtEnd}");
        Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:F0} s: {reports.Sum(r => r.Rows.Count(row => row.Met == true))} targets met, {misses} missed{(failed.Count > 0 ? $"; FAILED: {string.Join(", ", failed)}" : "")}; results in {options.OutputFile}");
        await ResultsFile.WriteAsync(options.OutputFile, new
        {
            options.Scenario,
            options.Quick,
            Store = context.StoreName(context.OnPostgres),
            Pinning = Pinning.Describe(),
            LoadAtStart = loadAtStart,
            LoadAtEnd = loadAtEnd,
            StartedAt = DateTimeOffset.UtcNow - clock.Elapsed,
            TotalSeconds = clock.Elapsed.TotalSeconds,
            Scenarios = reports,
        });
        // A missed target is a finding, printed above; a scenario that could not run is an error.
        return failed.Count == 0 ? 0 : 1;
    }

    /// <summary>The stores persist and history run on: the run's store, or in <c>all</c> SQLite and PostgreSQL when it is there.</summary>
    private static bool[] StoresFor(BenchContext context, bool all) =>
        all && context.PostgresServer is not null && context.Options.Url is null ? [false, true] : [context.OnPostgres];

    /// <summary>The scenarios to run, in order.</summary>
    private static IEnumerable<(string Name, Func<Task<ScenarioReport>> Run)> Plan(BenchContext context)
    {
        var all = context.Options.Scenario == "all";
        bool Wants(string name) => all || context.Options.Scenario == name;
        if (Wants("idle")) yield return ("idle", () => IdleScenario.RunAsync(context));
        if (Wants("fanout")) yield return ("fanout", () => FanoutScenario.RunAsync(context));
        if (Wants("chatmix")) yield return ("chatmix", () => ChatmixScenario.RunAsync(context));
        foreach (var postgres in StoresFor(context, all))
        {
            if (Wants("persist")) yield return ("persist", () => PersistScenario.RunAsync(context, postgres));
            if (Wants("history")) yield return ("history", () => HistoryScenario.RunAsync(context, postgres));
        }
        if (Wants("resume")) yield return ("resume", () => ResumeScenario.RunAsync(context));
        if (Wants("cluster")) yield return ("cluster", () => ClusterScenario.RunAsync(context));
    }
}
