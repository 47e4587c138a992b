using System.Collections.Concurrent;
using Confab.Contracts;
using Confab.Server.Conversations;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Identity;
using Confab.Server.Storage;
using Confab.Server.Users;

namespace Confab.Server.Realtime;

/// <summary>
/// Who is online: a user is online while any of its sockets is open, with the status it chose
/// (away, busy, invisible); <c>invisible</c> looks offline to others. When the last socket closes the
/// user turns offline with <c>lastSeenAt</c>. Changes go to everyone who shares a conversation with
/// the user; they are ephemeral and never replayed.
/// </summary>
public sealed class PresenceService(Database database, MemberStore members, UserStore users, ConnectionRegistry connections, TimeProvider clock)
{
    public const string Online = "online";
    public const string Offline = "offline";
    public const string Invisible = "invisible";

    public static readonly IReadOnlyDictionary<string, string> Choosable =
        new[] { Online, "away", "busy", Invisible }.ToDictionary(s => s, s => s, StringComparer.Ordinal);

    private readonly ConcurrentDictionary<(string Tenant, string User), string> chosen = new();

    /// <summary>Serialises each user's transitions and their announcements (striped, so the set stays bounded).</summary>
    private readonly SemaphoreSlim[] stripes = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>The user's presence as <paramref name="viewerId"/> sees it now: only the user itself sees its own invisible.</summary>
    public User Apply(string tenantId, User user, string? viewerId)
    {
        if (!connections.IsConnected(tenantId, user.Id)) return user with { Presence = Offline };
        var status = chosen.GetValueOrDefault((tenantId, user.Id), Online);
        return user with { Presence = viewerId == user.Id ? status : Visible(status) };
    }

    /// <summary>The user's first socket on this node opened; a reconnect racing the old socket's close is sorted out under the user's lock.</summary>
    public Task ConnectedAsync(UserCaller caller) => UnderUserLockAsync(caller, async () =>
    {
        if (!connections.IsConnected(caller.TenantId, caller.UserId)) return;
        await AnnounceAsync(caller.TenantId, caller.UserId, chosen.GetOrAdd((caller.TenantId, caller.UserId), Online), null);
    });

    /// <summary>The user's last socket on this node closed; nothing is said if another opened meanwhile.</summary>
    public Task DisconnectedAsync(UserCaller caller) => UnderUserLockAsync(caller, async () =>
    {
        if (connections.IsConnected(caller.TenantId, caller.UserId)) return;
        var wasVisible = Visible(chosen.TryRemove((caller.TenantId, caller.UserId), out var status) ? status : Online) != Offline;
        var now = Time.Now(clock);
        await database.WriteAsync(db => users.SetLastSeenAsync(db, caller.TenantId, caller.UserId, now));
        if (wasVisible) await AnnounceAsync(caller.TenantId, caller.UserId, Offline, Time.FromMillis(now));
    });

    public Task SetStatusAsync(UserCaller caller, string? status)
    {
        var next = Check.OneOf(status, "status", Choosable);
        return UnderUserLockAsync(caller, () =>
        {
            chosen[(caller.TenantId, caller.UserId)] = next;
            return AnnounceAsync(caller.TenantId, caller.UserId, next, next == Invisible ? Time.FromMillis(Time.Now(clock)) : null);
        });
    }

    private static string Visible(string status) => status == Invisible ? Offline : status;

    private async Task UnderUserLockAsync(UserCaller caller, Func<Task> transition)
    {
        var stripe = stripes[(int)((uint)HashCode.Combine(caller.TenantId, caller.UserId) % (uint)stripes.Length)];
        await stripe.WaitAsync();
        try
        {
            await transition();
        }
        finally
        {
            stripe.Release();
        }
    }

    /// <summary>Tells the user's peers its visible status, and the user's own devices its real one.</summary>
    private async Task AnnounceAsync(string tenantId, string userId, string status, DateTimeOffset? lastSeenAt)
    {
        var peers = await database.ReadAsync(db => members.PeersAsync(db, tenantId, userId));
        var toPeers = Frames.Event(EventTypes.Presence, new { userId, status = Visible(status), lastSeenAt });
        foreach (var connection in connections.OfUsers(tenantId, peers.Where(p => p != userId)))
            connection.Send(toPeers);
        var toSelf = Frames.Event(EventTypes.Presence, new { userId, status, lastSeenAt });
        foreach (var connection in connections.OfUser(tenantId, userId))
            connection.Send(toSelf);
    }
}
