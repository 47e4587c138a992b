namespace Confab.Server.Storage;

/// <summary>
/// Reads that do not depend on one another, sent to the engine together: stores run their statements on the batch as
/// on any session, and each statement's task completes once <see cref="RunAsync"/> has run them all. PostgreSQL gets
/// them in one round trip instead of one each; SQLite runs them one after another, as always. Each piece of work
/// given the batch runs at most one statement, before its first await: a statement after the batch ran is an error,
/// and a read awaited before <see cref="RunAsync"/> would wait forever. A batch made in a write reads as the write
/// would (<see cref="DbSession.InWrite"/>): a row it reads for update is locked, by its own statement, until commit.
/// It is not a <see cref="WriteSession"/>: nothing is appended through it, and a write's changes go in the write
/// itself or in its closing steps (<see cref="WriteSession.AtClose"/>), which run in such a batch, committed with it.
/// </summary>
public sealed class ReadBatch : DbSession
{
    private readonly ISqlRunner runner;
    private readonly StatementCollector collector;
    private readonly bool inWrite;

    internal ReadBatch(ISqlRunner runner, ISqlDialect dialect, bool inWrite) : this(runner, dialect, new StatementCollector(), inWrite)
    {
    }

    private ReadBatch(ISqlRunner runner, ISqlDialect dialect, StatementCollector collector, bool inWrite) : base(collector, dialect)
    {
        this.runner = runner;
        this.collector = collector;
        this.inWrite = inWrite;
    }

    public override bool InWrite => inWrite;

    /// <summary>How many statements were given the batch so far.</summary>
    internal int StatementCount => collector.Count;

    /// <summary>Runs the statements collected; each one's task then has its result, or the batch's error.</summary>
    public Task RunAsync() => RunAsync(commit: false);

    /// <summary>Runs the statements collected, then commits the write with them if <paramref name="commit"/> (a write's closing steps).</summary>
    internal Task RunAsync(bool commit) => collector.RunOnAsync(runner, commit);
}
