using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Confab.Server.Storage;

/// <summary>
/// Open <see cref="CachingSqliteConnection"/>s kept for the next session, so that their compiled statements are
/// used again. A connection comes back only between transactions; one that is still in a transaction (its
/// rollback failed) or closed is dropped instead.
/// </summary>
internal sealed class SqliteConnectionPool(string connectionString, int capacity, Func<CachingSqliteConnection, Task>? setUp = null) : IDisposable
{
    private readonly ConcurrentBag<CachingSqliteConnection> idle = [];
    private int idleCount;
    private volatile bool disposed;

    public async Task<CachingSqliteConnection> TakeAsync()
    {
        if (idle.TryTake(out var pooled))
        {
            Interlocked.Decrement(ref idleCount);
            return pooled;
        }
        var connection = new CachingSqliteConnection(connectionString, this);
        try
        {
            await connection.OpenAsync();
            // Compiled statements run through SQLite's own calls, which do not retry a busy database as Microsoft.Data.Sqlite's
            // commands do; SQLite waits itself instead, as long as those would.
            raw.sqlite3_busy_timeout(connection.Handle, connection.DefaultTimeout * 1000);
            if (setUp is not null) await setUp(connection);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public void Return(CachingSqliteConnection connection)
    {
        if (!disposed && IsBetweenTransactions(connection))
        {
            if (Interlocked.Increment(ref idleCount) <= capacity)
            {
                idle.Add(connection);
                if (disposed) Dispose();
                return;
            }
            Interlocked.Decrement(ref idleCount);
        }
        Drop(connection);
    }

    /// <summary>Closes a connection that is not kept. Closing one whose rollback already failed may fail again; the caller already has that failure.</summary>
    private static void Drop(CachingSqliteConnection connection)
    {
        try
        {
            connection.Dispose();
        }
        catch (SqliteException)
        {
        }
    }

    private static bool IsBetweenTransactions(CachingSqliteConnection connection) =>
        connection.State == System.Data.ConnectionState.Open && raw.sqlite3_get_autocommit(connection.Handle) != 0;

    public void Dispose()
    {
        disposed = true;
        while (idle.TryTake(out var connection)) connection.Dispose();
    }
}
