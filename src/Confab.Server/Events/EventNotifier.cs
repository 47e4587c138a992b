using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Confab.Server.Events;

/// <summary>A commit that appended events: "tenant T has events up to position P".</summary>
public readonly record struct Committed(string TenantId, long Position);

/// <summary>
/// Told of every commit that appended events, on this node or (through the cluster link) another, it wakes
/// the dispatcher (which reads the log itself) and any long-poll waiting on that tenant. It carries no events.
/// </summary>
public sealed class EventNotifier(IClusterLink cluster)
{
    private readonly Channel<Committed> commits = Channel.CreateUnbounded<Committed>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, TaskCompletionSource> waiters = new(StringComparer.Ordinal);

    public ChannelReader<Committed> Commits => commits.Reader;

    /// <summary>A commit on this node: wakes its readers and tells the other nodes.</summary>
    public void Publish(string tenantId, long position)
    {
        Wake(tenantId, position);
        cluster.Tell(new ClusterNews(Commit: new Committed(tenantId, position)));
    }

    /// <summary>Wakes this node's readers of the tenant's log.</summary>
    public void Wake(string tenantId, long position)
    {
        commits.Writer.TryWrite(new Committed(tenantId, position));
        if (waiters.TryRemove(tenantId, out var waiter)) waiter.TrySetResult();
    }

    /// <summary>
    /// A task that completes at the tenant's next commit. Take it before reading the log, then await
    /// it if the read found nothing, so that no commit falls between the read and the wait.
    /// </summary>
    public Task NextCommit(string tenantId) =>
        waiters.GetOrAdd(tenantId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
}
