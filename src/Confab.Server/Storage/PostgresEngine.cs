using System.Data;
using System.Data.Common;
using Npgsql;

namespace Confab.Server.Storage;

/// <summary>
/// PostgreSQL through pooled Npgsql data sources: one for writes, one whose sessions default to read-only for
/// reads. Writers run concurrently; event positions stay in commit order because each append updates its
/// tenant's row, whose lock is held until commit (see <c>EventStore.NextPositionAsync</c>).
/// </summary>
public sealed class PostgresEngine : IStoreEngine, IDisposable
{
    private readonly NpgsqlDataSource writes;
    private readonly NpgsqlDataSource reads;

    public PostgresEngine(string connectionString)
    {
        Location = Describe(connectionString);
        // A connection that only LISTENs would not notice a silently dropped network without keepalives.
        var writing = new NpgsqlConnectionStringBuilder(connectionString);
        if (writing.KeepAlive == 0) writing.KeepAlive = 15;
        writes = NpgsqlDataSource.Create(writing);
        var readOnly = new NpgsqlConnectionStringBuilder(connectionString);
        readOnly.Options = $"{readOnly.Options} -c default_transaction_read_only=on".Trim();
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

    public DbConnection CreateConnection() => writes.CreateConnection();

    public DbConnection CreateReadConnection() => reads.CreateConnection();

    public DbTransaction BeginRead(DbConnection connection) => ((NpgsqlConnection)connection).BeginTransaction(IsolationLevel.RepeatableRead);

    public async Task<DbConnection> OpenWriteConnectionAsync() => await writes.OpenConnectionAsync();

    public bool SingleWriter => false;

    public bool IsRetryable(DbException exception) =>
        exception is PostgresException
        {
            SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.UniqueViolation,
        };

    public void Dispose()
    {
        writes.Dispose();
        reads.Dispose();
    }
}
