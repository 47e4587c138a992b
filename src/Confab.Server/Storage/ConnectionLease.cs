using System.Data.Common;

namespace Confab.Server.Storage;

/// <summary>An open connection borrowed from its engine; disposing hands it back (kept open for the next transaction, or closed).</summary>
public readonly struct ConnectionLease(DbConnection connection, Action<DbConnection> giveBack) : IDisposable
{
    public DbConnection Connection => connection;

    public void Dispose() => giveBack(connection);
}
