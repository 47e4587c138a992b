using System.Data.Common;
using Dapper;

namespace Confab.Server.Storage;

/// <summary>
/// One statement of a <see cref="StatementCollector"/>'s batch: run alone, or read from the batch's results (its result
/// set, or for a statement without one, the count of rows it changed), then completed.
/// </summary>
internal abstract class BatchedStatement(string sql, object? args)
{
    public string Sql { get; } = sql;

    public object? Args { get; } = args;

    /// <summary>Whether it gives a result set (a query, or a write with RETURNING) rather than only a count of rows changed.</summary>
    public abstract bool ReturnsRows { get; }

    /// <summary>Runs the statement by itself on <paramref name="runner"/> and keeps its result.</summary>
    public abstract Task RunAloneAsync(ISqlRunner runner);

    /// <summary>Keeps the result read from the batch reader's current result set.</summary>
    public abstract Task ReadAsync(DbDataReader reader);

    /// <summary>Keeps the count of rows changed by a statement that gives no result set.</summary>
    public abstract void TakeChanged(int rows);

    /// <summary>Hands the kept result to the code waiting for it.</summary>
    public abstract void Complete();

    public abstract void Fail(Exception error);

    /// <summary>Every row of the result set as a <typeparamref name="T"/>, the way the engines' own runners read them.</summary>
    public static async Task<IReadOnlyList<T>> AllRowsAsync<T>(DbDataReader reader)
    {
        var rows = new List<T>();
        if (SqlValues.IsSingleColumn(typeof(T)))
        {
            while (await reader.ReadAsync()) rows.Add(SqlValues.As<T>(reader.GetValue(0)));
            return rows;
        }
        var parse = reader.GetRowParser<T>();
        while (await reader.ReadAsync()) rows.Add(parse(reader));
        return rows;
    }
}

/// <summary>
/// A batched statement whose result is a <typeparamref name="TResult"/>: read from its result set, or, for one that
/// gives none (<paramref name="fromReader"/> null), the count of rows it changed.
/// </summary>
internal sealed class BatchedStatement<TResult>(
    string sql, object? args, Func<ISqlRunner, string, object?, Task<TResult>> alone, Func<DbDataReader, Task<TResult>>? fromReader)
    : BatchedStatement(sql, args)
{
    private readonly TaskCompletionSource<TResult> outcome = new();
    private TResult? result;

    public Task<TResult> Outcome => outcome.Task;

    public override bool ReturnsRows => fromReader is not null;

    public override async Task RunAloneAsync(ISqlRunner runner) => result = await alone(runner, Sql, Args);

    public override async Task ReadAsync(DbDataReader reader) =>
        result = await (fromReader ?? throw new InvalidOperationException("This statement gives no result set."))(reader);

    public override void TakeChanged(int rows) =>
        result = ReturnsRows ? throw new InvalidOperationException("This statement gives a result set.") : SqlValues.As<TResult>(rows);

    public override void Complete() => outcome.TrySetResult(result!);

    // Observed at once: when the batch failed, its caller hears it from the batch's run and need not await every statement.
    public override void Fail(Exception error)
    {
        outcome.TrySetException(error);
        _ = outcome.Task.Exception;
    }
}
