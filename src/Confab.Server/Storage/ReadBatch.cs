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
    private readonly StatementCollector collector;

    internal ReadBatch(ISqlRunner runner, ISqlDialect dialect) : this(runner, dialect, new StatementCollector())
    {
    }

    private ReadBatch(ISqlRunner runner, ISqlDialect dialect, StatementCollector collector) : base(collector, dialect)
    {
        this.runner = runner;
        this.collector = collector;
    }

    /// <summary>Runs the statements collected; each one's task then has its result, or the batch's error.</summary>
    public Task RunAsync() => collector.RunOnAsync(runner, commit: false);
}
