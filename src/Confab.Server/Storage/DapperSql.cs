using System.Data.Common;
using Dapper;

namespace Confab.Server.Storage;

/// <summary>Statements through Dapper, each compiled by the server (PostgreSQL prepares and caches them itself).</summary>
internal sealed class DapperSql(DbConnection connection, DbTransaction? transaction) : ISqlRunner
{
    public async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? args) =>
        (await connection.QueryAsync<T>(sql, args, transaction)).AsList();

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? args) =>
        connection.QuerySingleOrDefaultAsync<T>(sql, args, transaction);

    public Task<T> ScalarAsync<T>(string sql, object? args) =>
        connection.ExecuteScalarAsync<T>(sql, args, transaction)!;

    public Task<int> ExecuteAsync(string sql, object? args) =>
        connection.ExecuteAsync(sql, args, transaction);
}
