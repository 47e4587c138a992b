using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Confab.Server.Storage;

/// <summary>A connection (and, for writes, its transaction) that the stores run their SQL on.</summary>
public class DbSession
{
    private readonly ISqlRunner sql;

    public DbSession(DbConnection connection, DbTransaction? transaction, ISqlDialect dialect)
        : this(connection is CachingSqliteConnection caching
            ? new PreparedSql(caching, (SqliteTransaction?)transaction)
            : new DapperSql(connection, transaction), dialect)
    {
    }

    private protected DbSession(ISqlRunner sql, ISqlDialect dialect)
    {
        this.sql = sql;
        Dialect = dialect;
    }

    /// <summary>The engine's spelling of the SQL that is not portable.</summary>
    public ISqlDialect Dialect { get; }

    public Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? args = null) => this.sql.QueryAsync<T>(sql, args);

    /// <summary>Whether statements run on this session are part of a write: rows read for update are then locked until commit.</summary>
    public virtual bool InWrite => false;

    /// <summary>A batch of reads that run together on this session, as part of its write if it is one (see <see cref="ReadBatch"/>).</summary>
    public ReadBatch Batch() => new(sql, Dialect, InWrite);

    /// <summary>
    /// Maps each row onto two objects; <paramref name="splitOn"/> names the first column of the second, found from the
    /// right. The second is null where its first column is (the missing side of an outer join).
    /// </summary>
    public Task<IReadOnlyList<TResult>> QueryAsync<T1, T2, TResult>(string sql, Func<T1, T2?, TResult> map, object? args, string splitOn) =>
        this.sql.QueryAsync(sql, [typeof(T1), typeof(T2)], row => map((T1)row[0]!, (T2?)row[1]), args, splitOn);

    /// <summary>Maps each row onto three objects; <paramref name="splitOn"/> names the first column of the second and third.</summary>
    public Task<IReadOnlyList<TResult>> QueryAsync<T1, T2, T3, TResult>(string sql, Func<T1, T2, T3, TResult> map, object? args, string splitOn) =>
        this.sql.QueryAsync(sql, [typeof(T1), typeof(T2), typeof(T3)], row => map((T1)row[0]!, (T2)row[1]!, (T3)row[2]!), args, splitOn);

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? args = null) => this.sql.QuerySingleOrDefaultAsync<T>(sql, args);

    /// <summary>
    /// The tenant's rows whose key is among <paramref name="keys"/>, by key. <paramref name="selectUpToKey"/> is the
    /// query up to its key column, binding <c>@tenantId</c>. A single key is compared by itself: a list goes through
    /// json_each on SQLite, which cost as much again as the lookup, and most lookups are of one row (a message's sender).
    /// </summary>
    public async Task<Dictionary<string, T>> FindByKeysAsync<T>(string selectUpToKey, string tenantId, IEnumerable<string> keys, Func<T, string> keyOf)
    {
        var distinct = keys.Distinct(StringComparer.Ordinal).ToArray();
        var rows = distinct.Length switch
        {
            0 => [],
            1 => await QueryAsync<T>($"{selectUpToKey} = @key", new { tenantId, key = distinct[0] }),
            _ => await QueryAsync<T>($"{selectUpToKey} {Dialect.AnyOf("@keys")}", new { tenantId, keys = distinct }),
        };
        return rows.ToDictionary(keyOf, StringComparer.Ordinal);
    }

    public Task<T> ScalarAsync<T>(string sql, object? args = null) => this.sql.ScalarAsync<T>(sql, args);

    public Task<int> ExecuteAsync(string sql, object? args = null) => this.sql.ExecuteAsync(sql, args);
}
