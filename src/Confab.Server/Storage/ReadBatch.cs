namespace Confab.Server.Storage;

/// <summary>
/// Reads that do not depend on one another, sent to the engine together: stores run their statements on the batch as
/// on any session, and each statement's task completes once <see cref="RunAsync"/> has run them all. PostgreSQL gets
/// them in one round trip instead of one each; SQLite runs them one after another, as always. Each piece of work
/// given the batch runs at most one statement, before its first await: a statement after the batch ran is an error,
/// and a read awaited before <see cref="RunAsync"/> would wait forever. A batch is not a <see cref="WriteSession"/>,
/// so stores lock nothing through it.
/// </summary>
public sealed class ReadBatch : DbSession
{
    private readonly ISqlRunner runner;
    private readonly Collector collector;

    internal ReadBatch(ISqlRunner runner, ISqlDialect dialect) : this(runner, dialect, new Collector())
    {
    }

    private ReadBatch(ISqlRunner runner, ISqlDialect dialect, Collector collector) : base(collector, dialect)
    {
        this.runner = runner;
        this.collector = collector;
    }

    /// <summary>Runs the statements collected; each one's task then has its result, or the batch's error.</summary>
    public Task RunAsync() => collector.RunOnAsync(runner);

    /// <summary>Takes statements instead of running them.</summary>
    private sealed class Collector : ISqlRunner
    {
        private List<BatchedRead>? reads = [];

        public Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object? args) =>
            Add(new BatchedRead<IReadOnlyList<T>>(sql, args, static (runner, sql, args) => runner.QueryAsync<T>(sql, args), BatchedRead.AllRowsAsync<T>));

        public Task<T?> QuerySingleOrDefaultAsync<T>(string sql, object? args) =>
            Add(new BatchedRead<T?>(sql, args, static (runner, sql, args) => runner.QuerySingleOrDefaultAsync<T>(sql, args), static async reader =>
            {
                var rows = await BatchedRead.AllRowsAsync<T>(reader);
                return rows.Count switch { 0 => default, 1 => rows[0], _ => throw new InvalidOperationException("The statement returned more than one row.") };
            }));

        public Task<T> ScalarAsync<T>(string sql, object? args) =>
            Add(new BatchedRead<T>(sql, args, static (runner, sql, args) => runner.ScalarAsync<T>(sql, args),
                static async reader => await reader.ReadAsync() ? SqlValues.As<T>(reader.GetValue(0)) : default!));

        public Task<IReadOnlyList<TResult>> QueryAsync<TResult>(string sql, Type[] types, Func<object?[], TResult> map, object? args, string splitOn) =>
            Add(new BatchedRead<IReadOnlyList<TResult>>(sql, args, (runner, sql, args) => runner.QueryAsync(sql, types, map, args, splitOn),
                reader => RowSplit.AllRowsAsync(reader, types, map, splitOn)));

        public Task<int> ExecuteAsync(string sql, object? args) => throw new NotSupportedException("A read batch only reads.");

        public Task RunBatchAsync(IReadOnlyList<BatchedRead> batch) => throw new NotSupportedException("Batches do not nest.");

        public async Task RunOnAsync(ISqlRunner runner)
        {
            var batch = reads ?? throw new InvalidOperationException("The batch already ran.");
            reads = null;
            try
            {
                if (batch.Count > 0) await runner.RunBatchAsync(batch);
            }
            catch (Exception error)
            {
                foreach (var read in batch) read.Fail(error);
                throw;
            }
            foreach (var read in batch) read.Complete();
        }

        private Task<TResult> Add<TResult>(BatchedRead<TResult> read)
        {
            (reads ?? throw new InvalidOperationException("A statement came after its read batch ran; a batched read runs one statement, before it awaits.")).Add(read);
            return read.Outcome;
        }
    }
}
