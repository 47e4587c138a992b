using System.Collections.Concurrent;
using Confab.Contracts;
using Confab.Server.Conversations;
using Confab.Server.Events;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Identity;
using Confab.Server.Storage;
using Confab.Server.Users;

namespace Confab.Server.Realtime;

/// <summary>
/// Who is online: a user is online while any of its sockets is open on any node, with the status it chose
/// (away, busy, invisible); <c>invisible</c> looks offline to others. When the last socket closes, or the
/// last node with one dies (its lease runs out, <see cref="NodeLease"/>), the user turns offline with
/// <c>lastSeenAt</c>. The store's <c>presence</c> table is the truth; every node keeps a view of it that
/// the presence signals (through the cluster link) keep current. Changes go to everyone who shares a
/// conversation with the user; they are ephemeral and never replayed.
/// </summary>
public sealed class PresenceService(
    Database database, MemberStore members, UserStore users, PresenceStore store, ConnectionRegistry connections, IClusterLink cluster,
    NodeIdentity node, TimeProvider clock)
{
    private readonly PresenceTransitions transitions = new(database);

    public const string Online = "online";
    public const string Offline = "offline";
    public const string Invisible = "invisible";

    public static readonly IReadOnlyDictionary<string, string> Choosable =
        new[] { Online, "away", "busy", Invisible }.ToDictionary(s => s, s => s, StringComparer.Ordinal);

    /// <summary>The status each user online on some node chose: this node's view of the presence table.</summary>
    private readonly ConcurrentDictionary<(string Tenant, string User), string> online = new();

    /// <summary>The user's presence as <paramref name="viewerId"/> sees it now: only the user itself sees its own invisible.</summary>
    public User Apply(string tenantId, User user, string? viewerId)
    {
        // This node's own sockets count at once, before their connection is announced.
        var here = connections.IsConnected(tenantId, user.Id);
        if (!online.TryGetValue((tenantId, user.Id), out var status) && !here) return user with { Presence = Offline };
        status ??= Online;
        return user with { Presence = viewerId == user.Id ? status : Visible(status) };
    }

    /// <summary>
    /// The user's first socket on this node opened; announced when no other node had it. A reconnect racing the
    /// old socket's close is sorted out by running this node's transitions in order, and under the user's row lock
    /// across nodes.
    /// </summary>
    public Task ConnectedAsync(UserCaller caller) => transitions.RunAsync(caller.TenantId, caller.UserId, async db =>
    {
        if (!connections.IsConnected(caller.TenantId, caller.UserId) || !await store.LockUserAsync(db, caller.TenantId, caller.UserId)) return null;
        var elsewhere = await store.StatusElsewhereAsync(db, caller.TenantId, caller.UserId, node.Id);
        var status = elsewhere ?? Online;
        await store.AddAsync(db, caller.TenantId, caller.UserId, node.Id, status);
        return elsewhere is null ? () => AnnounceAsync(new PresenceSignal(caller.TenantId, caller.UserId, status, null, false)) : null;
    });

    /// <summary>The user's last socket on this node closed; nothing is said if another opened meanwhile here or is open on another node.</summary>
    public Task DisconnectedAsync(UserCaller caller) => transitions.RunAsync(caller.TenantId, caller.UserId, async db =>
    {
        if (connections.IsConnected(caller.TenantId, caller.UserId)) return null;
        var now = Time.Now(clock);
        await store.LockUserAsync(db, caller.TenantId, caller.UserId);
        if (!await store.RemoveAsync(db, caller.TenantId, caller.UserId, node.Id)) return null;
        await users.SetLastSeenAsync(db, caller.TenantId, caller.UserId, now);
        return () => WentOfflineAsync(caller.TenantId, caller.UserId, now);
    });

    /// <summary>The only node with sockets of this user died: the user went offline then.</summary>
    public Task NodeLostAsync(PresenceRow row) => transitions.RunAsync(row.TenantId, row.UserId, async db =>
    {
        var now = Time.Now(clock);
        await users.SetLastSeenAsync(db, row.TenantId, row.UserId, now);
        return () => WentOfflineAsync(row.TenantId, row.UserId, now);
    });

    public Task SetStatusAsync(UserCaller caller, string? status)
    {
        var next = Check.OneOf(status, "status", Choosable);
        return transitions.RunAsync(caller.TenantId, caller.UserId, async db =>
        {
            await store.SetStatusAsync(db, caller.TenantId, caller.UserId, next);
            return () => AnnounceAsync(new PresenceSignal(caller.TenantId, caller.UserId, next, next == Invisible ? Time.Now(clock) : null, false));
        });
    }

    /// <summary>Replaces this node's view with the presence table (at start-up and after missing signals).</summary>
    public async Task ReloadAsync()
    {
        var rows = await database.ReadAsync(db => store.OnlineAsync(db, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        var current = rows.ToDictionary(r => (r.TenantId, r.UserId), r => r.Status);
        foreach (var key in online.Keys.Where(k => !current.ContainsKey(k))) online.TryRemove(key, out _);
        foreach (var (key, status) in current) online[key] = status;
    }

    /// <summary>
    /// Takes the change into this node's view and tells this node's sockets: the user's peers its visible
    /// status, the user's own devices its real one.
    /// </summary>
    public async Task DeliverAsync(PresenceSignal signal)
    {
        if (signal.Status == Offline) online.TryRemove((signal.TenantId, signal.UserId), out _);
        else online[(signal.TenantId, signal.UserId)] = signal.Status;
        if (signal.Silent) return;

        var lastSeenAt = Time.FromMillis(signal.LastSeenAt);
        var peers = await database.ReadAsync(db => members.PeersAsync(db, signal.TenantId, signal.UserId));
        var toPeers = Frames.Event(EventTypes.Presence, new { userId = signal.UserId, status = Visible(signal.Status), lastSeenAt });
        foreach (var connection in connections.OfUsers(signal.TenantId, peers.Where(p => p != signal.UserId)))
            connection.Send(toPeers);
        var toSelf = Frames.Event(EventTypes.Presence, new { userId = signal.UserId, status = signal.Status, lastSeenAt });
        foreach (var connection in connections.OfUser(signal.TenantId, signal.UserId))
            connection.Send(toSelf);
    }

    private static string Visible(string status) => status == Invisible ? Offline : status;

    /// <summary>Announces offline, silently when the user looked offline already (invisible).</summary>
    private Task WentOfflineAsync(string tenantId, string userId, long now)
    {
        var wasVisible = Visible(online.GetValueOrDefault((tenantId, userId), Online)) != Offline;
        return AnnounceAsync(new PresenceSignal(tenantId, userId, Offline, now, !wasVisible));
    }

    private Task AnnounceAsync(PresenceSignal signal)
    {
        cluster.Tell(new ClusterNews(Presence: signal));
        return DeliverAsync(signal);
    }
}
