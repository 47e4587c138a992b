using System.Data.Common;
using System.Threading.Channels;
using Confab.Server.Events;

namespace Confab.Server.Storage;

/// <summary>
/// Runs writes in transactions. On an engine with a single writer (SQLite) this is group commit: writes queue
/// and run one after another in one transaction per batch, so that one commit (one fsync) serves the whole batch.
/// A write that throws leaves nothing and the others go on: a batch runs its writes back to back, and if one
/// throws, the transaction rolls back and the others run again, each in a savepoint of its own that a failure
/// rolls back alone. Savepoints are not the rule because SQLite's full-text index writes out its pending terms at
/// each one, which more than doubled what SQLite spent on a send's inserts; for the same reason, in a batch run
/// back to back, the full-text changes of its writes (<see cref="WriteSession.AtCommit"/>) run after all of them,
/// a failure there counting as its write's. After a batch with a failure the
/// next batch starts with savepoints, so a stream of failing writes cannot make every batch run twice.
/// Every caller learns its outcome only after the commit, so an acknowledged write is durable, and positions
/// taken in batch order are in commit order. There is no waiting for a batch to fill: writes that arrive while
/// one batch commits form the next. Elsewhere (PostgreSQL) each write is a batch of one in its own transaction,
/// a few at once: row locks keep positions in commit order, and the engine flushes concurrent commits together.
/// </summary>
internal sealed class GroupCommit : IAsyncDisposable
{
    /// <summary>Bounds how long the first write of a batch waits for the last one to run.</summary>
    private const int MaxBatch = 128;

    /// <summary>How often a batch that the engine reports as retryable (a PostgreSQL deadlock victim) runs again before its error is let through.</summary>
    private const int Attempts = 5;

    private const string Savepoint = "write";

    private readonly Channel<PendingWrite> queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IStoreEngine engine;
    private readonly EventNotifier notifier;
    private readonly Task loop;
    /// <summary>
    /// Where writes run side by side (PostgreSQL): at most <see cref="IStoreEngine.WriteConcurrency"/> at once, so that
    /// a burst waits here rather than for a pool connection, and so that shutdown can wait for those in flight.
    /// </summary>
    private readonly SemaphoreSlim turns;
    private volatile bool stopping;
    private int queued;
    private long retried;

    public GroupCommit(IStoreEngine engine, EventNotifier notifier)
    {
        this.engine = engine;
        this.notifier = notifier;
        turns = new SemaphoreSlim(engine.WriteConcurrency);
        loop = engine.WriteConcurrency == 1 ? Task.Run(RunAsync) : Task.CompletedTask;
    }

    public Task<T> WriteAsync<T>(Func<WriteSession, Task<T>> work)
    {
        var pending = new PendingWrite<T>(work);
        if (engine.WriteConcurrency > 1) return CommitAloneAsync(pending);
        Interlocked.Increment(ref queued);
        if (queue.Writer.TryWrite(pending)) return pending.Outcome;
        Interlocked.Decrement(ref queued);
        throw ShuttingDown();
    }

    /// <summary>How many writes wait in the lane (SQLite) for their batch to start; none wait elsewhere.</summary>
    internal int Queued => Volatile.Read(ref queued);

    /// <summary>How many times a batch ran again because the engine reported it retryable (a PostgreSQL deadlock victim, say).</summary>
    internal long Retried => Interlocked.Read(ref retried);

    /// <summary>Commits what is queued or running, refuses what comes later, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        stopping = true;
        queue.Writer.TryComplete();
        await loop;
        for (var turn = 0; turn < engine.WriteConcurrency; turn++) await turns.WaitAsync();
        turns.Release(engine.WriteConcurrency);
    }

    private static ObjectDisposedException ShuttingDown() => new(nameof(Database), "The database is shutting down.");

    private async Task RunAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        var failedLately = false;
        while (await queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && queue.Reader.TryRead(out var pending)) batch.Add(pending);
            Interlocked.Add(ref queued, -batch.Count);
            failedLately = await CommitAsync(batch, savepoints: failedLately);
            batch.Clear();
        }
    }

    private async Task<T> CommitAloneAsync<T>(PendingWrite<T> pending)
    {
        await turns.WaitAsync();
        try
        {
            if (stopping) throw ShuttingDown();
            await CommitAsync([pending], savepoints: false);
        }
        finally
        {
            turns.Release();
        }
        return await pending.Outcome;
    }

    /// <summary>Commits what of the batch succeeds and tells each caller; returns whether a write failed.</summary>
    private async Task<bool> CommitAsync(List<PendingWrite> batch, bool savepoints)
    {
        var failed = false;
        var retries = 0;
        while (true)
        {
            try
            {
                await RunInOneTransactionAsync(batch, savepoints);
                break;
            }
            catch (TransactionEnded ended)
            {
                // The others did nothing that lasts and heard nothing yet: they run again, without the write that ended it.
                ended.Write.Abandon(ended.Failure);
                batch.Remove(ended.Write);
                foreach (var pending in batch) pending.Reset();
                savepoints = failed = true;
            }
            catch (DbException exception) when (engine.IsRetryable(exception) && ++retries < Attempts)
            {
                Interlocked.Increment(ref retried);
                foreach (var pending in batch) pending.Reset();
                await Task.Delay(Random.Shared.Next(1, 10 * retries));
            }
            catch (Exception exception)
            {
                foreach (var pending in batch) pending.Abandon(exception);
                return true;
            }
        }
        Announce(batch);
        foreach (var pending in batch) pending.Complete();
        return failed || batch.Any(pending => pending.Failure is not null);
    }

    private async Task RunInOneTransactionAsync(List<PendingWrite> batch, bool savepoints)
    {
        using var lease = await engine.OpenWriteConnectionAsync();
        var connection = lease.Connection;
        await using var transaction = await connection.BeginTransactionAsync();
        if (batch.Count == 1)
        {
            await batch[0].RunAsync(connection, transaction, engine.Dialect, commit: true, commitStepsLater: false);
            return;
        }
        if (savepoints)
        {
            foreach (var pending in batch) await RunInSavepointAsync(connection, transaction, pending);
        }
        else
        {
            foreach (var pending in batch)
                await RunOrEndTransactionAsync(pending, () => pending.RunAsync(connection, transaction, engine.Dialect, commit: false, commitStepsLater: true));
            foreach (var pending in batch) await RunOrEndTransactionAsync(pending, pending.RunCommitStepsAsync);
        }
        await transaction.CommitAsync();
    }

    /// <summary>Runs a write's work; if it throws, nothing of the batch can stay, so its failure ends the transaction.</summary>
    private static async Task RunOrEndTransactionAsync(PendingWrite pending, Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (Exception failure)
        {
            throw new TransactionEnded(pending, failure);
        }
    }

    /// <summary>
    /// Runs one write; if it throws, undoes it alone. A failure to undo it fails the batch. Only a single writer
    /// (SQLite) shares transactions, and nothing there is worth retrying, so a failed write simply fails.
    /// </summary>
    private async Task RunInSavepointAsync(DbConnection connection, DbTransaction transaction, PendingWrite pending)
    {
        await transaction.SaveAsync(Savepoint);
        try
        {
            await pending.RunAsync(connection, transaction, engine.Dialect, commit: false, commitStepsLater: false);
            await transaction.ReleaseAsync(Savepoint);
        }
        catch (Exception failure)
        {
            try
            {
                await transaction.RollbackAsync(Savepoint);
                await transaction.ReleaseAsync(Savepoint);
            }
            catch (Exception)
            {
                // SQLite rolls back the whole transaction on some errors (disk full, I/O, a trigger's RAISE(ROLLBACK)).
                throw new TransactionEnded(pending, failure);
            }
            pending.Fail(failure);
        }
    }

    /// <summary>A write's failure ended its batch's whole transaction: it ran without a savepoint, or SQLite rolled back all of it.</summary>
    private sealed class TransactionEnded(PendingWrite write, Exception failure) : Exception("A write ended its batch's transaction.", failure)
    {
        public PendingWrite Write { get; } = write;

        public Exception Failure { get; } = failure;
    }

    /// <summary>Tells the notifier, once per tenant, the last position the batch's successful writes appended.</summary>
    private void Announce(List<PendingWrite> batch)
    {
        var latest = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var pending in batch.Where(p => p.Failure is null))
        {
            foreach (var (tenantId, position) in pending.Appended)
                latest[tenantId] = Math.Max(position, latest.GetValueOrDefault(tenantId));
        }
        foreach (var (tenantId, position) in latest) notifier.Publish(tenantId, position);
    }
}
