using System.Data.Common;

namespace Confab.Server.Storage;

/// <summary>
/// A write transaction; events appended through it commit with the change or not at all. Work that must come last
/// (announcing the change) waits in its closing steps (<see cref="AtClose"/>).
/// </summary>
public sealed class WriteSession : DbSession
{
    private readonly DbTransaction transaction;
    private readonly Dictionary<string, long> appended = new(StringComparer.Ordinal);
    private List<Func<DbSession, Task>>? closing;
    private List<Func<DbSession, Task>>? committing;
    private List<Action>? undoIfRunAgain;
    private bool closingNow;

    public WriteSession(DbConnection connection, DbTransaction transaction, ISqlDialect dialect) : base(connection, transaction, dialect) =>
        this.transaction = transaction;

    public override bool InWrite => true;

    /// <summary>The last position appended per tenant, announced once the transaction commits.</summary>
    public IReadOnlyDictionary<string, long> Appended => appended;

    public void RecordAppended(string tenantId, long position) => appended[tenantId] = position;

    /// <summary>
    /// Queues <paramref name="undo"/> for something the write did outside the database (a token taken from a rate limit),
    /// to run if its transaction rolls back and the write runs again, so that the write's effects count once. It runs
    /// while the writer recovers its batch, so it must not throw.
    /// </summary>
    internal void UndoIfRunAgain(Action undo) => (undoIfRunAgain ??= []).Add(undo);

    internal void UndoBeforeRunningAgain()
    {
        foreach (var undo in undoIfRunAgain ?? []) undo();
        undoIfRunAgain = null;
    }

    /// <summary>
    /// Runs <paramref name="step"/> after the write's own work, with the other closing steps in the order given; a step
    /// queues no other. Where a WITH may write (PostgreSQL), a step runs exactly one statement, before its first await,
    /// and the closing statements go to the engine in one round trip with the commit: a row lock they take (the
    /// tenant's event position) is then held for the engine's work alone, never while this server gets round to
    /// sending the next statement.
    /// </summary>
    public void AtClose(Func<DbSession, Task> step)
    {
        if (closingNow) throw new InvalidOperationException("A closing step cannot queue another.");
        (closing ??= []).Add(step);
    }

    /// <summary>
    /// Runs <paramref name="step"/> as late as can be, for the full-text index. SQLite's FTS5 writes the terms it holds
    /// in memory out as a new segment at every statement that opens a statement journal (one with RETURNING, an UPDATE
    /// that may change several rows), so entries added amid a batch's other statements cost a segment each. Where
    /// writes share a transaction (SQLite) the step therefore runs after its write's closing steps and, in a batch
    /// whose writes run back to back, after every other write of the batch, just before the commit: a batch of sends
    /// then writes one segment. Such a step runs after later writes of its batch, so it checks what they may have
    /// removed. Where a write commits alone (PostgreSQL) nothing is gained by waiting, and the step is a closing step
    /// where it was queued, by their rules: before the event a write appends last, outside the tenant's lock.
    /// </summary>
    public void AtCommit(Func<DbSession, Task> step)
    {
        if (closingNow) throw new InvalidOperationException("A closing step cannot queue a step for the commit.");
        if (Dialect.WritesInWith) AtClose(step);
        else (committing ??= []).Add(step);
    }

    /// <summary>Runs the steps queued for the commit, which queue no other; the caller runs every write's closing steps first.</summary>
    internal async Task RunCommitStepsAsync()
    {
        var steps = committing;
        committing = null;
        closingNow = true;
        try
        {
            foreach (var step in steps ?? []) await step(this);
        }
        finally
        {
            closingNow = false;
        }
    }

    /// <summary>Runs the closing steps queued so far, in order, so that what the write does next comes after them.</summary>
    public async Task RunClosingStepsAsync()
    {
        if (TakeClosingSteps() is not { } steps) return;
        try
        {
            foreach (var step in steps) await step(this);
        }
        finally
        {
            closingNow = false;
        }
    }

    /// <summary>
    /// Ends the write's work: its closing steps, then the steps for the commit unless <paramref name="commitStepsLater"/>
    /// (the caller runs them once the batch's other writes have run), then the commit if <paramref name="commit"/>
    /// (else its caller commits later).
    /// </summary>
    internal async Task CloseAsync(bool commit, bool commitStepsLater)
    {
        if (!commitStepsLater && committing is not null)
        {
            (closing ??= []).AddRange(committing);
            committing = null;
        }
        if (closing is null || !Dialect.WritesInWith)
        {
            await RunClosingStepsAsync();
            if (commit) await transaction.CommitAsync();
            return;
        }
        var steps = TakeClosingSteps()!;
        var batch = Batch();
        var running = steps.Select(step => step(batch)).ToList();
        // Checked before anything is sent: a step that broke the rule must fail its write, not follow a commit.
        var early = running.FirstOrDefault(step => step.IsCompleted);
        if (early is not null) await early;
        if (early is not null || batch.StatementCount != steps.Count)
            throw new InvalidOperationException("A closing step runs exactly one statement, before its first await.");
        try
        {
            await batch.RunAsync(commit);
        }
        catch (Exception)
        {
            // A step may say what the failure means (a missing tenant is a 404); otherwise the batch's error stands.
            await Task.WhenAll(running);
            throw;
        }
        finally
        {
            closingNow = false;
        }
        await Task.WhenAll(running);
    }

    private List<Func<DbSession, Task>>? TakeClosingSteps()
    {
        var steps = closing;
        closing = null;
        closingNow = steps is not null;
        return steps;
    }
}
