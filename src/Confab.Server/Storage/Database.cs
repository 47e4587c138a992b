using System.Data.Common;
using Confab.Server.Events;

namespace Confab.Server.Storage;

/// <summary>Runs store code in a read session or in one write transaction; announces appended events after commit.</summary>
public sealed class Database(IStoreEngine engine, EventNotifier notifier)
{
    /// <summary>How often a write that the engine reports as retryable (a deadlock victim) is run again before its error is let through.</summary>
    private const int WriteAttempts = 5;

    public IStoreEngine Engine => engine;

    public async Task<T> ReadAsync<T>(Func<DbSession, Task<T>> work)
    {
        await using var connection = engine.CreateReadConnection();
        await connection.OpenAsync();
        await using var snapshot = engine.BeginRead(connection);
        return await work(new DbSession(connection, snapshot, engine.Dialect));
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and commits it. Not cancellable on purpose:
    /// a change either commits whole, with its events, or throws and leaves nothing behind.
    /// A transaction the engine rolled back as retryable runs again from the start.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<WriteSession, Task<T>> work)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await WriteOnceAsync(work);
            }
            catch (DbException exception) when (attempt < WriteAttempts && engine.IsRetryable(exception))
            {
                await Task.Delay(Random.Shared.Next(1, 10 * attempt));
            }
        }
    }

    public Task WriteAsync(Func<WriteSession, Task> work) =>
        WriteAsync(async session =>
        {
            await work(session);
            return true;
        });

    private async Task<T> WriteOnceAsync<T>(Func<WriteSession, Task<T>> work)
    {
        using var gate = await engine.EnterWriteAsync();
        await using var connection = engine.CreateConnection();
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var session = new WriteSession(connection, transaction, engine.Dialect);
        var result = await work(session);
        await transaction.CommitAsync();
        foreach (var (tenantId, position) in session.Appended) notifier.Publish(tenantId, position);
        return result;
    }
}
