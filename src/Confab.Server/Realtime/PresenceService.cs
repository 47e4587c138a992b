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

    /// <summary>The user's presence as <paramref name="viewerId"/> sees it now: only the user itself sees its own invisible.</summary>
    public User Apply(string tenantId, User user, string? viewerId)
    {
        if (!connections.IsConnected(tenantId, user.Id)) return user with { Presence = Offline };
        var status = chosen.GetValueOrDefault((tenantId, user.Id), Online);
        return user with { Presence = viewerId == user.Id ? status : Visible(status) };
    }

    public Task ConnectedAsync(UserCaller caller)
    {
        chosen[(caller.TenantId, caller.UserId)] = Online;
        return AnnounceAsync(caller.TenantId, caller.UserId, Online, null);
    }

    public async Task DisconnectedAsync(UserCaller caller)
    {
        var wasVisible = Visible(chosen.TryRemove((caller.TenantId, caller.UserId), out var status) ? status : Online) != Offline;
        var now = Time.Now(clock);
        await database.WriteAsync(db => users.SetLastSeenAsync(db, caller.TenantId, caller.UserId, now));
        if (wasVisible) await AnnounceAsync(caller.TenantId, caller.UserId, Offline, Time.FromMillis(now));
    }

    public Task SetStatusAsync(UserCaller caller, string? status)
    {
        var next = Check.OneOf(status, "status", Choosable);
        chosen[(caller.TenantId, caller.UserId)] = next;
        return AnnounceAsync(caller.TenantId, caller.UserId, Visible(next), next == Invisible ? Time.FromMillis(Time.Now(clock)) : null);
    }

    private static string Visible(string status) => status == Invisible ? Offline : status;

    private async Task AnnounceAsync(string tenantId, string userId, string status, DateTimeOffset? lastSeenAt)
    {
        var peers = await database.ReadAsync(db => members.PeersAsync(db, tenantId, userId));
        var frame = Frames.Event(EventTypes.Presence, new { userId, status, lastSeenAt });
        foreach (var connection in connections.OfUsers(tenantId, peers.Append(userId).Distinct(StringComparer.Ordinal)))
            connection.Send(frame);
    }
}
