using System.Data.Common;
using Dapper;

namespace Confab.Server.Storage;

/// <summary>A connection (and, for writes, its transaction) that the stores run their SQL on.</summary>
public class DbSession(DbConnection connection, DbTransaction? transaction, ISqlDialect dialect)
{
    /// <summary>The engine's spelling of the SQL that is not portable.</summary>
    public ISqlDialect Dialect => dialect;

    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? args = null) =>
        (await connection.QueryAsync<T>(sql, args, transaction)).AsList();

    /// <summary>Maps each row onto three objects; <paramref name="splitOn"/> names the first column of the second and third.</summary>
    public async Task<IReadOnlyList<TResult>> QueryAsync<T1, T2, T3, TResult>(string sql, Func<T1, T2, T3, TResult> map, object? args, string splitOn) =>
        (await connection.QueryAsync(sql, map, args, transaction, splitOn: splitOn)).AsList();

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? args = null) =>
        connection.QuerySingleOrDefaultAsync<T>(sql, args, transaction);

    public Task<T> ScalarAsync<T>(string sql, object? args = null) =>
        connection.ExecuteScalarAsync<T>(sql, args, transaction)!;

    public Task<int> ExecuteAsync(string sql, object? args = null) =>
        connection.ExecuteAsync(sql, args, transaction);
}

/// <summary>A write transaction; events appended through it commit with the change or not at all.</summary>
public sealed class WriteSession(DbConnection connection, DbTransaction transaction, ISqlDialect dialect) : DbSession(connection, transaction, dialect)
{
    private readonly Dictionary<string, long> appended = new(StringComparer.Ordinal);

    /// <summary>The last position appended per tenant, announced once the transaction commits.</summary>
    public IReadOnlyDictionary<string, long> Appended => appended;

    public void RecordAppended(string tenantId, long position) => appended[tenantId] = position;
}
