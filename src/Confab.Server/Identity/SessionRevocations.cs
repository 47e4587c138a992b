using Confab.Server.Events;

namespace Confab.Server.Identity;

/// <summary>
/// Tells the real-time layer of every node, after the commit, that a user's sessions (or a whole tenant's) stopped
/// being valid, so that open sockets close at once instead of at their next request.
/// </summary>
public sealed class SessionRevocations(IClusterLink cluster)
{
    /// <summary>(tenant, user); a null user means every user of the tenant.</summary>
    public event Action<string, string?>? Revoked;

    /// <summary>A revocation committed on this node: acted on here, and told to the other nodes.</summary>
    public void Publish(string tenantId, string? userId)
    {
        Announce(tenantId, userId);
        cluster.Tell(new ClusterNews(Revocation: new Revocation(tenantId, userId)));
    }

    private long announced;

    /// <summary>
    /// How many revocations this node has acted on so far. A socket checks its session before it is registered to
    /// receive them; when this count has not moved in between, no revocation can have slipped through the gap.
    /// </summary>
    public long Announced => Interlocked.Read(ref announced);

    /// <summary>A revocation, committed here or told by another node, acted on by this node's sockets.</summary>
    public void Announce(string tenantId, string? userId)
    {
        Interlocked.Increment(ref announced);
        Revoked?.Invoke(tenantId, userId);
    }
}
