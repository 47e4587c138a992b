using System.Diagnostics;
using Npgsql;

namespace Confab.Bench.Hosting;

/// <summary>
/// A fresh, empty PostgreSQL database for one bench run (<c>confab_bench_&lt;random&gt;</c>), created with the
/// given role and dropped afterwards.
/// </summary>
public sealed class PostgresDatabase : IAsyncDisposable
{
    private readonly string adminConnectionString;
    private readonly string name;

    private PostgresDatabase(string adminConnectionString, string name, string connectionString)
    {
        this.adminConnectionString = adminConnectionString;
        this.name = name;
        ConnectionString = connectionString;
    }

    public const int MaxPoolSizePerNode = 20;

    public string ConnectionString { get; }

    public const string EnvironmentVariable = "CONFAB_BENCH_POSTGRES";

    /// <summary>
    /// The connection string to create bench databases with: the one given (--postgres VALUE or
    /// CONFAB_BENCH_POSTGRES), else what <c>.ci/postgres.sh</c> prints, else null.
    /// </summary>

    public static async Task<string?> FindServerAsync(string? given)
    {
        if (!string.IsNullOrEmpty(given)) return given;
        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment)) return fromEnvironment;
        var script = Path.Combine(ServerProcess.RepositoryRoot(), ".ci", "postgres.sh");
        if (!File.Exists(script)) return null;
        try
        {
            using var run = Process.Start(new ProcessStartInfo("bash", script) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var output = run.StandardOutput.ReadToEndAsync();
            _ = run.StandardError.ReadToEndAsync();
            await run.WaitForExitAsync();
            var lastLine = (await output).Trim().Split('\n').LastOrDefault();
            return run.ExitCode == 0 && !string.IsNullOrWhiteSpace(lastLine) ? lastLine.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    public static async Task<PostgresDatabase> CreateAsync(string serverConnectionString)
    {
        var name = $"confab_bench_{Guid.NewGuid():N}"[..30];
        await ExecuteAsync(serverConnectionString, $"CREATE DATABASE {name}");
        // PostgreSQL allows 100 connections by default, shared with anyone else on the machine: two nodes of 20 fit.
        var connectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name, MaxPoolSize = MaxPoolSizePerNode }.ConnectionString;
        return new PostgresDatabase(serverConnectionString, name, connectionString);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Drops the database. A backend this role may not end (another role's, in the moment a node's pool lets go)
    /// refuses the forced drop; it is tried again for a few seconds, and a database left behind is reported, not
    /// thrown, so that cleaning up never costs the run its figures.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteAsync(adminConnectionString, $"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                return;
            }
            catch (PostgresException error) when (error.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
            {
                if (attempt == DropAttempts)
                {
                    await Console.Error.WriteLineAsync($"warning: the bench database {name} was left behind ({error.MessageText}); drop it by hand");
                    return;
                }
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }
        }
    }

    private const int DropAttempts = 10;
}
