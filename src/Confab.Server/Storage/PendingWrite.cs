using System.Collections.ObjectModel;
using System.Data.Common;

namespace Confab.Server.Storage;

/// <summary>One caller's write waiting in a <see cref="GroupCommit"/> lane, and what became of it in its batch.</summary>
internal abstract class PendingWrite
{
    /// <summary>The events the write appended, announced once its batch commits.</summary>
    public IReadOnlyDictionary<string, long> Appended { get; private set; } = ReadOnlyDictionary<string, long>.Empty;

    /// <summary>Set when the write itself threw: its savepoint was rolled back and the rest of the batch goes on.</summary>
    public Exception? Failure { get; private set; }

    private WriteSession? attempt;

    /// <summary>
    /// Runs the write and its closing steps, and its steps for the commit unless <paramref name="commitStepsLater"/>
    /// (see <see cref="RunCommitStepsAsync"/>); commits the transaction too if <paramref name="commit"/> (the write has it alone).
    /// </summary>
    public async Task RunAsync(DbConnection connection, DbTransaction transaction, ISqlDialect dialect, bool commit, bool commitStepsLater)
    {
        var session = attempt = new WriteSession(connection, transaction, dialect);
        await RunWorkAsync(session);
        await session.CloseAsync(commit, commitStepsLater);
        Appended = session.Appended;
    }

    /// <summary>Runs the steps the write queued for its commit (<see cref="WriteSession.AtCommit"/>), once every write of the batch has run.</summary>
    public Task RunCommitStepsAsync() => attempt!.RunCommitStepsAsync();

    public void Fail(Exception failure) => Failure = failure;

    /// <summary>Forgets the outcome of a batch that rolled back as a whole, and undoes what its run did outside the database, before the batch runs again.</summary>
    public void Reset()
    {
        attempt?.UndoBeforeRunningAgain();
        attempt = null;
        Failure = null;
        Appended = ReadOnlyDictionary<string, long>.Empty;
    }

    /// <summary>Hands the caller its result, or <see cref="Failure"/>; called once the batch's fate is known.</summary>
    public abstract void Complete();

    /// <summary>Hands the caller the failure of the whole batch.</summary>
    public abstract void Abandon(Exception failure);

    protected abstract Task RunWorkAsync(WriteSession session);
}

internal sealed class PendingWrite<T>(Func<WriteSession, Task<T>> work) : PendingWrite
{
    private readonly TaskCompletionSource<T> outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private T? result;

    public Task<T> Outcome => outcome.Task;

    protected override async Task RunWorkAsync(WriteSession session) => result = await work(session);

    public override void Complete()
    {
        if (Failure is not null) outcome.SetException(Failure);
        else outcome.SetResult(result!);
    }

    public override void Abandon(Exception failure) => outcome.SetException(failure);
}
