using Microsoft.Data.Sqlite;

namespace Confab.Server.Storage;

/// <summary>
/// Statements through the compiled ones a <see cref="CachingSqliteConnection"/> keeps. SQLite runs them on the
/// calling thread in any case, so they run synchronously and hand back finished tasks.
/// </summary>
internal sealed class PreparedSql(CachingSqliteConnection connection, SqliteTransaction? transaction) : ISqlRunner
{
    public Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? args) => Run<IReadOnlyList<T>>(() =>
    {
        var statement = connection.Statement(sql);
        using var reader = statement.Bind(transaction, args).ExecuteReader();
        var rows = new List<T>();
        while (reader.Read()) rows.Add(statement.Read<T>(reader));
        return rows;
    });

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? args) => Run(() =>
    {
        var statement = connection.Statement(sql);
        using var reader = statement.Bind(transaction, args).ExecuteReader();
        if (!reader.Read()) return default;
        var row = statement.Read<T>(reader);
        return reader.Read() ? throw new InvalidOperationException("The statement returned more than one row.") : row;
    });

    public Task<T> ScalarAsync<T>(string sql, object? args) => Run(() =>
        SqlValues.As<T>(connection.Statement(sql).Bind(transaction, args).ExecuteScalar()));

    public Task<int> ExecuteAsync(string sql, object? args) => Run(() =>
        connection.Statement(sql).Bind(transaction, args).ExecuteNonQuery());

    private static Task<TResult> Run<TResult>(Func<TResult> work)
    {
        try
        {
            return Task.FromResult(work());
        }
        catch (Exception error)
        {
            return Task.FromException<TResult>(error);
        }
    }
}
