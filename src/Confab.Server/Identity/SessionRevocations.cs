namespace Confab.Server.Identity;

/// <summary>
/// Tells the real-time layer, after the commit, that a user's sessions (or a whole tenant's) stopped
/// being valid, so that open sockets close at once instead of at their next request.
/// </summary>
public sealed class SessionRevocations
{
    /// <summary>(tenant, user); a null user means every user of the tenant.</summary>
    public event Action<string, string?>? Revoked;

    public void Publish(string tenantId, string? userId) => Revoked?.Invoke(tenantId, userId);
}
