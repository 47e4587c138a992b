using Confab.Server.Events;

namespace Confab.Server.Storage;

/// <summary>Runs store code in a read session or in a write transaction shared with concurrent writes (group commit); announces appended events after commit.</summary>
public sealed class Database : IAsyncDisposable
{
    private readonly IStoreEngine engine;
    private readonly GroupCommit writes;

    public Database(IStoreEngine engine, EventNotifier notifier)
    {
        this.engine = engine;
        writes = new GroupCommit(engine, notifier);
    }

    public IStoreEngine Engine => engine;

    public async Task<T> ReadAsync<T>(Func<DbSession, Task<T>> work)
    {
        using var lease = await engine.OpenReadConnectionAsync();
        await using var snapshot = engine.BeginRead(lease.Connection);
        return await work(new DbSession(lease.Connection, snapshot, engine.Dialect));
    }

    /// <summary>
    /// Runs a read of one statement, outside any transaction: a statement reads a consistent snapshot by itself, and
    /// PostgreSQL is then spared the round trip that ends a transaction. Work of several statements uses
    /// <see cref="ReadAsync{T}"/>, so that they all see the same snapshot.
    /// </summary>
    public async Task<T> ReadStatementAsync<T>(Func<DbSession, Task<T>> statement)
    {
        using var lease = await engine.OpenReadConnectionAsync();
        return await statement(new DbSession(lease.Connection, null, engine.Dialect));
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a transaction and returns once it has committed. Not cancellable on purpose:
    /// a change either commits whole, with its events, or throws and leaves nothing behind. The transaction may hold
    /// other callers' writes too (see <see cref="GroupCommit"/>), so <paramref name="work"/> must only touch the
    /// database through its session; a write the engine rolled back as retryable runs again from the start.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<WriteSession, Task<T>> work) => writes.WriteAsync(work);

    public Task WriteAsync(Func<WriteSession, Task> work) =>
        WriteAsync(async session =>
        {
            await work(session);
            return true;
        });

    /// <summary>How many writes wait for their turn in SQLite's single lane (see <see cref="GroupCommit"/>); none wait on PostgreSQL.</summary>
    internal int QueuedWrites => writes.Queued;

    /// <summary>How many times a write ran again after the engine rolled it back as retryable (see <see cref="GroupCommit"/>).</summary>
    internal long RetriedWrites => writes.Retried;

    public ValueTask DisposeAsync() => writes.DisposeAsync();
}
