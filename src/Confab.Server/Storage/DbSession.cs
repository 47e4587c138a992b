using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Confab.Server.Storage;

/// <summary>A connection (and, for writes, its transaction) that the stores run their SQL on.</summary>
public class DbSession
{
    private readonly DbConnection connection;
    private readonly DbTransaction? transaction;
    private readonly ISqlRunner sql;

    public DbSession(DbConnection connection, DbTransaction? transaction, ISqlDialect dialect)
    {
        this.connection = connection;
        this.transaction = transaction;
        Dialect = dialect;
        sql = connection is CachingSqliteConnection caching
            ? new PreparedSql(caching, (SqliteTransaction?)transaction)
            : new DapperSql(connection, transaction);
    }

    /// <summary>The engine's spelling of the SQL that is not portable.</summary>
    public ISqlDialect Dialect { get; }

    public Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? args = null) => this.sql.QueryAsync<T>(sql, args);

    /// <summary>
    /// Maps each row onto three objects; <paramref name="splitOn"/> names the first column of the second and third. Runs
    /// through Dapper on every engine, uncompiled, so it takes no list arguments: Dapper would expand a list where
    /// <see cref="ISqlDialect.AnyOf"/> expects one JSON array.
    /// </summary>
    public async Task<IReadOnlyList<TResult>> QueryAsync<T1, T2, T3, TResult>(string sql, Func<T1, T2, T3, TResult> map, object? args, string splitOn) =>
        (await connection.QueryAsync(sql, map, args, transaction, splitOn: splitOn)).AsList();

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? args = null) => this.sql.QuerySingleOrDefaultAsync<T>(sql, args);

    public Task<T> ScalarAsync<T>(string sql, object? args = null) => this.sql.ScalarAsync<T>(sql, args);

    public Task<int> ExecuteAsync(string sql, object? args = null) => this.sql.ExecuteAsync(sql, args);
}

/// <summary>A write transaction; events appended through it commit with the change or not at all.</summary>
public sealed class WriteSession(DbConnection connection, DbTransaction transaction, ISqlDialect dialect) : DbSession(connection, transaction, dialect)
{
    private readonly Dictionary<string, long> appended = new(StringComparer.Ordinal);

    /// <summary>The last position appended per tenant, announced once the transaction commits.</summary>
    public IReadOnlyDictionary<string, long> Appended => appended;

    public void RecordAppended(string tenantId, long position) => appended[tenantId] = position;
}
