namespace Confab.Server.Storage;

/// <summary>Runs store code in a read session or in one write transaction.</summary>
public sealed class Database(IStoreEngine engine)
{
    public IStoreEngine Engine => engine;

    public async Task<T> ReadAsync<T>(Func<DbSession, Task<T>> work)
    {
        await using var connection = engine.CreateConnection();
        await connection.OpenAsync();
        return await work(new DbSession(connection, null));
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction and commits it. Not cancellable on purpose:
    /// a change either commits whole, with its events, or throws and leaves nothing behind.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<WriteSession, Task<T>> work)
    {
        using var gate = await engine.EnterWriteAsync();
        await using var connection = engine.CreateConnection();
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var result = await work(new WriteSession(connection, transaction));
        await transaction.CommitAsync();
        return result;
    }

    public Task WriteAsync(Func<WriteSession, Task> work) =>
        WriteAsync(async session =>
        {
            await work(session);
            return true;
        });
}
