using System.Net.WebSockets;

namespace Confab.Server.Realtime;

/// <summary>The sockets open on this node, by tenant and user, and the conversations each subscribed to.</summary>
public sealed class ConnectionRegistry
{
    public ConnectionRegistry(Identity.SessionRevocations revocations) =>
        revocations.Revoked += (tenantId, userId) =>
        {
            if (userId is null) CloseTenant(tenantId);
            else CloseUser(tenantId, userId, "The session was revoked.");
        };

    private readonly Lock gate = new();
    private readonly Dictionary<string, Dictionary<string, List<SocketConnection>>> byTenant = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Tenant, string Conversation), HashSet<SocketConnection>> subscribers = [];
    private readonly Dictionary<SocketConnection, HashSet<string>> subscriptionsOf = [];

    /// <summary>Adds the connection; true when it is the user's first on this node.</summary>
    public bool Add(SocketConnection connection)
    {
        lock (gate)
        {
            var users = byTenant.TryGetValue(connection.Caller.TenantId, out var u) ? u : byTenant[connection.Caller.TenantId] = new(StringComparer.Ordinal);
            var list = users.TryGetValue(connection.Caller.UserId, out var l) ? l : users[connection.Caller.UserId] = [];
            list.Add(connection);
            return list.Count == 1;
        }
    }

    /// <summary>Removes the connection; true when it was the user's last on this node.</summary>
    public bool Remove(SocketConnection connection)
    {
        lock (gate)
        {
            if (subscriptionsOf.Remove(connection, out var conversations))
            {
                foreach (var conversation in conversations) RemoveSubscriber(connection, conversation);
            }
            if (!byTenant.TryGetValue(connection.Caller.TenantId, out var users) || !users.TryGetValue(connection.Caller.UserId, out var list)) return false;
            list.Remove(connection);
            if (list.Count > 0) return false;
            users.Remove(connection.Caller.UserId);
            if (users.Count == 0) byTenant.Remove(connection.Caller.TenantId);
            return true;
        }
    }

    public bool HasTenant(string tenantId)
    {
        lock (gate) return byTenant.ContainsKey(tenantId);
    }

    public bool IsConnected(string tenantId, string userId)
    {
        lock (gate) return byTenant.TryGetValue(tenantId, out var users) && users.ContainsKey(userId);
    }

    public SocketConnection[] OfUser(string tenantId, string userId)
    {
        lock (gate) return byTenant.TryGetValue(tenantId, out var users) && users.TryGetValue(userId, out var list) ? [.. list] : [];
    }

    /// <summary>The connections of those users that are connected here, in one pass under the lock.</summary>
    public List<SocketConnection> OfUsers(string tenantId, IEnumerable<string> userIds)
    {
        var found = new List<SocketConnection>();
        lock (gate)
        {
            if (!byTenant.TryGetValue(tenantId, out var users)) return found;
            foreach (var userId in userIds)
            {
                if (users.TryGetValue(userId, out var list)) found.AddRange(list);
            }
        }
        return found;
    }

    public SocketConnection[] SubscribersOf(string tenantId, string conversationId)
    {
        lock (gate) return subscribers.TryGetValue((tenantId, conversationId), out var set) ? [.. set] : [];
    }

    public void Subscribe(SocketConnection connection, string conversationId)
    {
        lock (gate)
        {
            var key = (connection.Caller.TenantId, conversationId);
            (subscribers.TryGetValue(key, out var set) ? set : subscribers[key] = []).Add(connection);
            (subscriptionsOf.TryGetValue(connection, out var mine) ? mine : subscriptionsOf[connection] = new(StringComparer.Ordinal)).Add(conversationId);
        }
    }

    public void Unsubscribe(SocketConnection connection, string conversationId)
    {
        lock (gate)
        {
            RemoveSubscriber(connection, conversationId);
            if (subscriptionsOf.TryGetValue(connection, out var mine)) mine.Remove(conversationId);
        }
    }

    /// <summary>Ends the user's subscriptions to a conversation it was removed from.</summary>
    public void UnsubscribeUser(string tenantId, string userId, string conversationId) =>
        UnsubscribeWhere(tenantId, conversationId, connection => connection.Caller.UserId == userId);

    /// <summary>Ends every subscription to a conversation that was deleted.</summary>
    public void DropConversation(string tenantId, string conversationId) => UnsubscribeWhere(tenantId, conversationId, _ => true);

    private void UnsubscribeWhere(string tenantId, string conversationId, Func<SocketConnection, bool> which)
    {
        lock (gate)
        {
            if (!subscribers.TryGetValue((tenantId, conversationId), out var set)) return;
            foreach (var connection in set.Where(which).ToList()) Unsubscribe(connection, conversationId);
        }
    }

    /// <summary>Closes every connection of the user (sessions revoked, user deleted).</summary>
    public void CloseUser(string tenantId, string userId, string reason)
    {
        foreach (var connection in OfUser(tenantId, userId)) connection.Close(WebSocketCloseStatus.PolicyViolation, reason);
    }

    public void CloseTenant(string tenantId)
    {
        SocketConnection[] all;
        lock (gate) all = byTenant.TryGetValue(tenantId, out var users) ? users.Values.SelectMany(l => l).ToArray() : [];
        foreach (var connection in all) connection.Close(WebSocketCloseStatus.PolicyViolation, "The tenant was deleted.");
    }

    /// <summary>The connections whose session ended by <paramref name="now"/>, found without copying the others.</summary>
    public List<SocketConnection> ExpiredBy(long now)
    {
        var expired = new List<SocketConnection>();
        lock (gate)
        {
            foreach (var users in byTenant.Values)
            {
                foreach (var list in users.Values)
                {
                    foreach (var connection in list)
                    {
                        if (connection.SessionExpiresAt <= now) expired.Add(connection);
                    }
                }
            }
        }
        return expired;
    }

    private void RemoveSubscriber(SocketConnection connection, string conversationId)
    {
        var key = (connection.Caller.TenantId, conversationId);
        if (subscribers.TryGetValue(key, out var set) && set.Remove(connection) && set.Count == 0) subscribers.Remove(key);
    }
}
