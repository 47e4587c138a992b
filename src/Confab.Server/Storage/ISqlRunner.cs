namespace Confab.Server.Storage;

/// <summary>How one session's statements run (<see cref="DbSession"/> delegates to it).</summary>
internal interface ISqlRunner
{
    Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? args);

    /// <summary>
    /// Maps each row onto one object per type, as Dapper's multi-mapping does: <paramref name="splitOn"/> names the
    /// first column of each type after the first (one name for all, or one per type), found from the right; a type
    /// whose first column is null (the missing side of an outer join) is null.
    /// </summary>
    Task<IReadOnlyList<TResult>> QueryAsync<TResult>(string sql, Type[] types, Func<object?[], TResult> map, object? args, string splitOn);

    /// <summary>The only row, default when there is none; more than one is an error.</summary>
    Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? args);

    /// <summary>The first column of the first row, default when there is none or it is null.</summary>
    Task<T> ScalarAsync<T>(string sql, object? args);

    /// <summary>Runs a statement; the number of rows it changed.</summary>
    Task<int> ExecuteAsync(string sql, object? args);

    /// <summary>
    /// Runs these statements, keeping each one's result, in as few round trips as the engine allows; with
    /// <paramref name="commit"/>, the transaction's commit goes in the same round trip (PostgreSQL; SQLite, in the
    /// process, commits through its transaction). A statement that fails ends the batch uncommitted.
    /// </summary>
    Task RunBatchAsync(IReadOnlyList<BatchedStatement> statements, bool commit);
}
