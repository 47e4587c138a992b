using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Confab.Server.Storage;

/// <summary>
/// The embedded default: one SQLite file in WAL mode. Readers run concurrently; writes go through one
/// group-commit lane, so writers never spin on SQLITE_BUSY, and SQLite's single writer makes commit
/// order the order positions were assigned in.
/// </summary>
public sealed class SqliteEngine : IStoreEngine, IDisposable
{
    private readonly string connectionString;
    private readonly string path;

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

    public int WriteConcurrency => 1;

    // A commit returns only once the WAL is on disk: acknowledged means durable, even across a power cut.
    public async Task<DbConnection> OpenWriteConnectionAsync()
    {
        var connection = CreateConnection();
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous = FULL;";
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    // Writers never wait on each other inside SQLite (one lane), so there is nothing to retry.
    public bool IsRetryable(DbException exception) => false;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
    }
}
