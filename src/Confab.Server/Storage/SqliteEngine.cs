using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Confab.Server.Storage;

/// <summary>
/// The embedded default: one SQLite file in WAL mode. Readers run concurrently; writes go through one
/// group-commit lane, so writers never spin on SQLITE_BUSY, and SQLite's single writer makes commit
/// order the order positions were assigned in.
/// </summary>
public sealed class SqliteEngine : IStoreEngine, IDisposable
{
    /// <summary>Idle read connections kept open; more may be open at once, and are closed when they end.</summary>
    private const int IdleReadConnections = 16;

    private readonly string connectionString;
    private readonly string path;
    private readonly SqliteConnectionPool reads;
    private readonly SqliteConnectionPool writes;

    /// <summary><c>SQLITE_CONFIG_STMTJRNL_SPILL</c>, which SQLitePCL names no constant for.</summary>
    private const int StatementJournalSpillOption = 26;

    /// <summary>
    /// How large a statement journal grows in memory before SQLite moves it to a temp file. Each write of a batch runs
    /// in its own savepoint, whose journal keeps the original of every page the write changes: 40–120 KiB for a send,
    /// past SQLite's 64 KiB default, and as a temp file those copies were three in four of the server's file writes
    /// (bench persist). A write that changes more (a large delete) still spills to disk.
    /// </summary>
    private const int StatementJournalInMemoryBytes = 4 * 1024 * 1024;

    // Settings SQLite takes only before it starts, for the whole process. It counts every allocation under one
    // process-wide mutex unless told otherwise, and nothing here reads those counts: in bench persist that mutex cost
    // 4 % of the server's CPU. Should SQLite have started already (something else opened a database first), it keeps
    // its defaults: slower, as correct.
    static SqliteEngine()
    {
        Batteries_V2.Init();
        raw.sqlite3_config(raw.SQLITE_CONFIG_MEMSTATUS, 0);
        raw.sqlite3_config(StatementJournalSpillOption, StatementJournalInMemoryBytes);
    }

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
        // These pools keep their connections open themselves; one they drop must close for real, not go back to Microsoft.Data.Sqlite's pool.
        var unpooled = new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString();
        reads = new SqliteConnectionPool(unpooled, IdleReadConnections);
        writes = new SqliteConnectionPool(unpooled, capacity: 1, SetUpWriterAsync);
    }

    public string Name => "Sqlite";

    public ISqlDialect Dialect { get; } = new SqliteDialect();

    public string Location => path;

    public DbConnection CreateConnection() => new SqliteConnection(connectionString);

    public async Task<ConnectionLease> OpenReadConnectionAsync() => Lease(await reads.TakeAsync());

    // Deferred: takes no lock until the first read, which then fixes the WAL snapshot for the rest.
    public DbTransaction BeginRead(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: true);

    public int WriteConcurrency => 1;

    public async Task<ConnectionLease> OpenWriteConnectionAsync() => Lease(await writes.TakeAsync());

    // A static lambda: a read borrows a connection without allocating a closure.
    private static ConnectionLease Lease(CachingSqliteConnection connection) => new(connection, static pooled => ((CachingSqliteConnection)pooled).ReturnToPool());

    // A commit returns only once the WAL is on disk: acknowledged means durable, even across a power cut. The WAL is
    // copied back into the database every 10,000 pages (40 MB) rather than 1,000: a page written by many commits in
    // between is copied once, and the writer stops to checkpoint a tenth as often.
    private static async Task SetUpWriterAsync(CachingSqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 10000;";
        await command.ExecuteNonQueryAsync();
    }

    // Writers never wait on each other inside SQLite (one lane), so there is nothing to retry.
    public bool IsRetryable(DbException exception) => false;

    public void Dispose()
    {
        reads.Dispose();
        writes.Dispose();
        SqliteConnection.ClearAllPools();
    }
}
