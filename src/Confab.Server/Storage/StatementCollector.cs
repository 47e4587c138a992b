namespace Confab.Server.Storage;

/// <summary>
/// A runner that takes statements instead of running them, then runs all it took together (<see cref="RunOnAsync"/>):
/// each statement's task completes once they all ran. Behind a <see cref="ReadBatch"/>, which also carries a write's
/// closing statements (<see cref="WriteSession.AtClose"/>). Work run on it issues at most one statement, before its first
/// await: a statement after the batch ran is an error, and one awaited before it ran would wait forever.
/// </summary>
internal sealed class StatementCollector : ISqlRunner
{
    private List<BatchedStatement>? statements = [];

    /// <summary>How many statements it took so far.</summary>
    public int Count => statements?.Count ?? throw new InvalidOperationException("The batch already ran.");

    public Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? args) =>
        Add(new BatchedStatement<IReadOnlyList<T>>(sql, args, static (runner, sql, args) => runner.QueryAsync<T>(sql, args), BatchedStatement.AllRowsAsync<T>));

    public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? args) =>
        Add(new BatchedStatement<T?>(sql, args, static (runner, sql, args) => runner.QuerySingleOrDefaultAsync<T>(sql, args), static async reader =>
        {
            var rows = await BatchedStatement.AllRowsAsync<T>(reader);
            return rows.Count switch { 0 => default, 1 => rows[0], _ => throw new InvalidOperationException("The statement returned more than one row.") };
        }));

    public Task<T> ScalarAsync<T>(string sql, object? args) =>
        Add(new BatchedStatement<T>(sql, args, static (runner, sql, args) => runner.ScalarAsync<T>(sql, args),
            static async reader => await reader.ReadAsync() ? SqlValues.As<T>(reader.GetValue(0)) : default!));

    public Task<IReadOnlyList<TResult>> QueryAsync<TResult>(string sql, Type[] types, Func<object?[], TResult> map, object? args, string splitOn) =>
        Add(new BatchedStatement<IReadOnlyList<TResult>>(sql, args, (runner, sql, args) => runner.QueryAsync(sql, types, map, args, splitOn),
            reader => RowSplit.AllRowsAsync(reader, types, map, splitOn)));

    public Task<int> ExecuteAsync(string sql, object? args) =>
        Add(new BatchedStatement<int>(sql, args, static (runner, sql, args) => runner.ExecuteAsync(sql, args), fromReader: null));

    public Task RunBatchAsync(IReadOnlyList<BatchedStatement> batch, bool commit) => throw new NotSupportedException("Batches do not nest.");

    /// <summary>Runs the statements taken on <paramref name="runner"/>, then commits if asked; each one's task then has its result, or the batch's error.</summary>
    public async Task RunOnAsync(ISqlRunner runner, bool commit)
    {
        var batch = statements ?? throw new InvalidOperationException("The batch already ran.");
        statements = null;
        try
        {
            if (batch.Count > 0) await runner.RunBatchAsync(batch, commit);
        }
        catch (Exception error)
        {
            foreach (var statement in batch) statement.Fail(error);
            throw;
        }
        foreach (var statement in batch) statement.Complete();
    }

    private Task<TResult> Add<TResult>(BatchedStatement<TResult> statement)
    {
        (statements ?? throw new InvalidOperationException("A statement came after its batch ran; batched work runs one statement, before it awaits.")).Add(statement);
        return statement.Outcome;
    }
}
