namespace Confab.Server.Events;

/// <summary>Someone started or stopped typing in a conversation; never stored.</summary>
public sealed record TypingSignal(string TenantId, string ConversationId, string UserId, bool IsTyping, long? ExpiresAt);

/// <summary>A user's presence changed to <paramref name="Status"/>; <paramref name="Silent"/> changes views without telling anyone (invisible going offline).</summary>
public sealed record PresenceSignal(string TenantId, string UserId, string Status, long? LastSeenAt, bool Silent);

/// <summary>A user's sessions (every user's, when <paramref name="UserId"/> is null) stopped being valid.</summary>
public sealed record Revocation(string TenantId, string? UserId);

/// <summary>One thing a node tells the others: a commit that appended events, an ephemeral signal, or a revocation.</summary>
public sealed record ClusterNews(Committed? Commit = null, TypingSignal? Typing = null, PresenceSignal? Presence = null, Revocation? Revocation = null);

/// <summary>How a node tells the other nodes sharing its store what happened on it.</summary>
public interface IClusterLink
{
    void Tell(ClusterNews news);
}

/// <summary>The embedded store has one process: there is nobody else to tell.</summary>
public sealed class SingleNode : IClusterLink
{
    public void Tell(ClusterNews news)
    {
    }
}
