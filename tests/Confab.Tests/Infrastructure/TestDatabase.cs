using Npgsql;

namespace Confab.Tests.Infrastructure;

/// <summary>
/// The store a test server runs on: SQLite in its data directory by default, or, when CONFAB_TEST_POSTGRES holds a
/// connection string (to a maintenance database, with a role that may create databases), a fresh PostgreSQL
/// database of its own, dropped when the server is disposed.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    public const string Variable = "CONFAB_TEST_POSTGRES";

    private readonly string? admin = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;
    private readonly string name = "confab_test_" + Guid.NewGuid().ToString("N");

    public TestDatabase()
    {
        if (admin is null) return;
        Run($"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'");
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ToString();
    }

    public static bool UsesPostgres => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 };

    /// <summary>The PostgreSQL connection string of this server's database; null on SQLite.</summary>
    public string? ConnectionString { get; }

    /// <summary>How often dropping the database is tried: a loaded PostgreSQL can refuse it while connections are still closing.</summary>
    private const int DropAttempts = 10;

    public void Dispose()
    {
        if (admin is null) return;
        NpgsqlConnection.ClearAllPools();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Run($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                return;
            }
            catch (PostgresException) when (attempt < DropAttempts)
            {
                Thread.Sleep(200 * attempt);
            }
        }
    }

    private void Run(string sql)
    {
        using var connection = new NpgsqlConnection(admin);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
