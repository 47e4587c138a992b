using Microsoft.Data.Sqlite;

namespace Confab.Server.Storage;

/// <summary>
/// Statements through the compiled ones a <see cref="CachingSqliteConnection"/> keeps, run in the connection's
/// current transaction. SQLite runs them on the calling thread in any case, so they run synchronously and hand
/// back finished tasks. A text of several statements (a migration) is not compiled: it runs through Dapper, and
/// so takes no list arguments.
/// </summary>
internal sealed class PreparedSql(CachingSqliteConnection connection, SqliteTransaction? transaction) : ISqlRunner
{
    public Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? args) => Run<IReadOnlyList<T>>(sql, args, static statement =>
    {
        var rows = new List<T>();
        while (statement.Step()) rows.Add(statement.Read<T>());
        return rows;
    }, static (several, sql, args) => several.QueryAsync<T>(sql, args));

    public Task<IReadOnlyList<TResult>> QueryAsync<TResult>(string sql, Type[] types, Func<object?[], TResult> map, object? args, string splitOn) =>
        Run<IReadOnlyList<TResult>>(sql, args, statement =>
        {
            var rows = new List<TResult>();
            while (statement.Step()) rows.Add(map(statement.ReadEach(types, splitOn)));
            return rows;
        }, (several, sql, args) => several.QueryAsync(sql, types, map, args, splitOn));

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? args) => Run(sql, args, static statement =>
    {
        if (!statement.Step()) return default;
        var row = statement.Read<T>();
        return statement.Step() ? throw new InvalidOperationException("The statement returned more than one row.") : row;
    }, static (several, sql, args) => several.QuerySingleOrDefaultAsync<T>(sql, args));

    public Task<T> ScalarAsync<T>(string sql, object? args) => Run(sql, args, static statement =>
        statement.Step() ? SqlValues.As<T>(statement.FirstValue) : default!, static (several, sql, args) => several.ScalarAsync<T>(sql, args));

    public Task<int> ExecuteAsync(string sql, object? args) => Run(sql, args, static statement =>
    {
        while (statement.Step())
        {
        }
        return statement.Changes;
    }, static (several, sql, args) => several.ExecuteAsync(sql, args));

    // SQLite is in the process: one statement after another costs no round trip, and a write commits through its
    // transaction (its closing steps run one by one, as SQLite cannot take an event's position in a WITH).
    public async Task RunBatchAsync(IReadOnlyList<BatchedStatement> statements, bool commit)
    {
        if (commit) throw new NotSupportedException("A SQLite write commits through its transaction.");
        foreach (var statement in statements) await statement.RunAloneAsync(this);
    }

    // Both ways are static lambdas, so that a call allocates no closure.
    private Task<TResult> Run<TResult>(
        string sql, object? args, Func<PreparedStatement, TResult> compiled, Func<DapperSql, string, object?, Task<TResult>> uncompiled)
    {
        try
        {
            if (connection.Statement(sql) is not { } statement) return uncompiled(new DapperSql(connection, transaction), sql, args);
            try
            {
                statement.Bind(args);
                return Task.FromResult(compiled(statement));
            }
            finally
            {
                statement.Reset();
            }
        }
        catch (Exception error)
        {
            return Task.FromException<TResult>(error);
        }
    }
}
