using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Confab.Server.Storage;

/// <summary>
/// The embedded default: one SQLite file in WAL mode. Readers run concurrently; writers take an
/// in-process gate so they never spin on SQLITE_BUSY, and SQLite's single writer makes commit
/// order the order positions were assigned in.
/// </summary>
public sealed class SqliteEngine : IStoreEngine, IDisposable
{
    private readonly string connectionString;
    private readonly string path;
    private readonly SemaphoreSlim writeGate = new(1, 1);

    public SqliteEngine(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        path = Path.Combine(dataDirectory, "confab.db");
        connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        command.ExecuteNonQuery();
    }

    public string Name => "Sqlite";

    public ISqlDialect Dialect { get; } = new SqliteDialect();

    public string Location => path;

    public DbConnection CreateConnection() => new SqliteConnection(connectionString);

    public DbConnection CreateReadConnection() => CreateConnection();

    // Deferred: takes no lock until the first read, which then fixes the WAL snapshot for the rest.
    public DbTransaction BeginRead(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: true);

    public async Task<IDisposable> EnterWriteAsync()
    {
        await writeGate.WaitAsync();
        return new Release(writeGate);
    }

    // Writers never wait on each other inside SQLite (the gate above), so there is nothing to retry.
    public bool IsRetryable(DbException exception) => false;

    public void Dispose()
    {
        writeGate.Dispose();
        SqliteConnection.ClearAllPools();
    }

    private sealed class Release(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
