using Confab.Server.Storage;

namespace Confab.Server.Realtime;

/// <summary>
/// Runs each user's presence transitions on this node one at a time, in the order they were asked for, each in its
/// own write (group commit batches a burst of them on SQLite), and announces each after the commit that made it
/// true. Different users' transitions run side by side.
/// </summary>
public sealed class PresenceTransitions(Database database)
{
    /// <summary>A transition's write; returns what to announce once it committed, or null.</summary>
    public delegate Task<Func<Task>?> Transition(WriteSession db);

    private readonly Lock gate = new();

    /// <summary>Per user with a transition queued or running, the one that ends last.</summary>
    private readonly Dictionary<(string TenantId, string UserId), Task> lastOf = [];

    /// <summary>Runs the transition after the user's earlier ones; the task ends when it has committed and been announced.</summary>
    public async Task RunAsync(string tenantId, string userId, Transition transition)
    {
        var key = (tenantId, userId);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task previous;
        lock (gate)
        {
            previous = lastOf.GetValueOrDefault(key) ?? Task.CompletedTask;
            lastOf[key] = done.Task;
        }
        try
        {
            await previous;
            if (await database.WriteAsync(db => transition(db)) is { } announce) await announce();
        }
        finally
        {
            lock (gate)
            {
                if (lastOf.GetValueOrDefault(key) == done.Task) lastOf.Remove(key);
            }
            done.SetResult();
        }
    }
}
