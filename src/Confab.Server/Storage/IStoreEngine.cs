using System.Data.Common;

namespace Confab.Server.Storage;

/// <summary>What differs between database engines beneath <see cref="Database"/>.</summary>
public interface IStoreEngine
{
    /// <summary>Names the folder of numbered migrations, <c>Migrations/{Name}/</c>.</summary>
    string Name { get; }

    ISqlDialect Dialect { get; }

    /// <summary>Where the data lives, for messages to the operator (never a password).</summary>
    string Location { get; }

    DbConnection CreateConnection();

    /// <summary>An open connection for <see cref="BeginRead"/>; it may refuse writes. Dispose the lease once its transaction has ended.</summary>
    Task<ConnectionLease> OpenReadConnectionAsync();

    /// <summary>A read-only transaction, so that every statement of one read sees the same snapshot.</summary>
    DbTransaction BeginRead(DbConnection connection);

    /// <summary>An open connection set up for a batch of writes (see <see cref="GroupCommit"/>). Dispose the lease once its transaction has ended.</summary>
    Task<ConnectionLease> OpenWriteConnectionAsync();

    /// <summary>
    /// How many write transactions may run at once. One where the engine has a single writer: writes then queue
    /// and commit in batches (group commit). More where transactions run concurrently and row locks order them;
    /// further writes wait for a turn rather than open ever more connections.
    /// </summary>
    int WriteConcurrency { get; }

    /// <summary>
    /// True for a failure that leaves nothing behind and may not recur when the transaction runs again: a deadlock
    /// victim, or a check-then-insert that lost a race to a concurrent writer and will see the winner on its next run.
    /// </summary>
    bool IsRetryable(DbException exception);
}
