using Confab.Server.Storage;

namespace Confab.Server.Realtime;

/// <summary>
/// Runs this node's presence transitions one at a time, in the order they were asked for, and commits those that
/// queued up while the previous batch was being written in one transaction: a burst of connects costs a few commits
/// instead of one each, and no delay is added when the node is quiet. Each transition's announcement goes out after
/// the commit that made it true: each user's in order, different users' side by side.
/// </summary>
public sealed class PresenceTransitions(Database database)
{
    /// <summary>A transition's part of the shared transaction; returns what to announce once it committed, or null.</summary>
    public delegate Task<Func<Task>?> Transition(WriteSession db);

    private readonly Lock gate = new();
    private List<(UserKey User, Transition Transition, TaskCompletionSource Done)> queued = [];
    private bool draining;

    /// <summary>Queues the transition; the task ends when it has committed and been announced.</summary>
    public Task RunAsync(string tenantId, string userId, Transition transition)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        bool start;
        lock (gate)
        {
            queued.Add((new UserKey(tenantId, userId), transition, done));
            start = !draining;
            draining = true;
        }
        if (start) _ = Task.Run(DrainAsync);
        return done.Task;
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            List<(UserKey User, Transition Transition, TaskCompletionSource Done)> batch;
            lock (gate)
            {
                if (queued.Count == 0)
                {
                    draining = false;
                    return;
                }
                batch = queued;
                queued = [];
            }
            try
            {
                // Collected afresh on every attempt: a transaction the engine retries runs every step again.
                var announcements = await database.WriteAsync(async db =>
                {
                    var after = new List<(UserKey User, Func<Task> Announce)>();
                    // Users in one order on every node (each user's transitions still in theirs), so batches on two
                    // nodes lock the same users' rows in the same order and cannot deadlock.
                    foreach (var (user, transition, _) in batch.OrderBy(t => t.User.TenantId, StringComparer.Ordinal).ThenBy(t => t.User.UserId, StringComparer.Ordinal))
                    {
                        if (await transition(db) is { } announce) after.Add((user, announce));
                    }
                    return after;
                });
                await Task.WhenAll(announcements.GroupBy(a => a.User).Select(AnnounceInOrderAsync));
                foreach (var (_, _, done) in batch) done.SetResult();
            }
            catch (Exception error)
            {
                foreach (var (_, _, done) in batch) done.TrySetException(error);
            }
        }
    }

    private static async Task AnnounceInOrderAsync(IEnumerable<(UserKey User, Func<Task> Announce)> announcements)
    {
        foreach (var (_, announce) in announcements) await announce();
    }

    private readonly record struct UserKey(string TenantId, string UserId);
}
