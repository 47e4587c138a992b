using System.Data;
using System.Data.Common;
using Npgsql;

namespace Confab.Server.Storage;

/// <summary>
/// PostgreSQL through pooled Npgsql data sources: one for writes, one whose sessions default to read-only for
/// reads. Neither resets a connection it gets back: nothing leaves session state on them, since LISTEN has
/// connections of its own (<see cref="CreateListeningConnection"/>). Writers run concurrently; event positions stay
/// in commit order because each append updates its tenant's row, whose lock is held until commit (see
/// <c>EventStore.AppendAsync</c>).
/// </summary>
public sealed class PostgresEngine : IStoreEngine, IDisposable
{
    /// <summary>
    /// Connections per pool unless the connection string sizes it: Npgsql's default (100 per pool, and a node has
    /// two) would let one busy node take every connection PostgreSQL allows by default (100).
    /// </summary>
    private const int DefaultPoolSize = 20;

    /// <summary>
    /// Statements each connection keeps prepared once it ran them a few times, unless the connection string says
    /// otherwise: PostgreSQL then skips parsing and planning them again.
    /// </summary>
    private const int AutoPrepared = 128;

    private readonly NpgsqlDataSource writes;
    private readonly NpgsqlDataSource reads;
    private readonly NpgsqlDataSource listening;

    public PostgresEngine(string connectionString)
    {
        Location = Describe(connectionString);
        // A connection that only LISTENs would not notice a silently dropped network without keepalives.
        var writing = new NpgsqlConnectionStringBuilder(connectionString);
        if (writing.KeepAlive == 0) writing.KeepAlive = 15;
        // No JIT compilation unless the connection string's own options turn it on (they come after): PostgreSQL
        // compiles any statement its estimate puts above a cost, and an unread count over a thousand conversations then
        // spent 132 of its 145 ms compiling, at every read mark.
        writing.Options = $"-c jit=off {writing.Options}".Trim();
        var sized = Names(connectionString, "MaxPoolSize", "MaximumPoolSize");
        var preparing = Names(connectionString, "MaxAutoPrepare");
        var resetting = Names(connectionString, "NoResetOnClose");
        listening = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(writing.ConnectionString) { Pooling = false });
        if (!sized) writing.MaxPoolSize = DefaultPoolSize;
        if (!preparing) writing.MaxAutoPrepare = AutoPrepared;
        if (!resetting) writing.NoResetOnClose = true;
        writes = NpgsqlDataSource.Create(writing);
        // The same settings, and sessions that default to read-only.
        var readOnly = new NpgsqlConnectionStringBuilder(writing.ConnectionString);
        readOnly.Options = $"{readOnly.Options} -c default_transaction_read_only=on";
        reads = NpgsqlDataSource.Create(readOnly);
    }

    public string Name => "Postgres";

    public ISqlDialect Dialect { get; } = new PostgresDialect();

    public string Location { get; }

    /// <summary>Where the database is, for messages: host, port and database name, never the password. Throws on a malformed string.</summary>
    public static string Describe(string connectionString)
    {
        var parsed = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{parsed.Host}:{parsed.Port}/{parsed.Database}";
    }

    /// <summary>Whether the connection string sets any of these keys (spelled with or without spaces, in any case).</summary>
    private static bool Names(string connectionString, params string[] keys) =>
        new DbConnectionStringBuilder { ConnectionString = connectionString }.Keys.Cast<string>()
            .Select(key => key.Replace(" ", "", StringComparison.Ordinal))
            .Any(key => keys.Contains(key, StringComparer.OrdinalIgnoreCase));

    public DbConnection CreateConnection() => writes.CreateConnection();

    /// <summary>
    /// A connection of its own, never pooled, for LISTEN: pooled connections are not reset when closed (No Reset On
    /// Close, which saves PostgreSQL a DISCARD at every request), so one that had listened would hear for whoever took it next.
    /// </summary>
    public NpgsqlConnection CreateListeningConnection() => listening.CreateConnection();

    public async Task<ConnectionLease> OpenReadConnectionAsync() => Lease(await reads.OpenConnectionAsync());

    public DbTransaction BeginRead(DbConnection connection) => ((NpgsqlConnection)connection).BeginTransaction(IsolationLevel.RepeatableRead);

    public async Task<ConnectionLease> OpenWriteConnectionAsync() => Lease(await writes.OpenConnectionAsync());

    // Npgsql pools connections, and prepares what they run often (Max Auto Prepare) on each.
    private static ConnectionLease Lease(DbConnection connection) => new(connection, pooled => pooled.Dispose());

    public int WriteConcurrency => 16;

    public bool IsRetryable(DbException exception) =>
        exception is PostgresException
        {
            SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.UniqueViolation,
        };

    public void Dispose()
    {
        writes.Dispose();
        reads.Dispose();
        listening.Dispose();
    }
}
