using System.Text.Json;
using Confab.Contracts;
using Confab.Server.Attachments;
using Confab.Server.Events;
using Confab.Server.Storage;

namespace Confab.Server.Realtime;

/// <summary>
/// Reads each tenant's log from where it left off whenever the notifier says a commit appended to it,
/// and hands every event to the local sockets of the users it concerns: the one user it names, or the
/// members of its conversation at that event's position (plus sockets subscribed to the conversation).
/// One reader, in log order, never waiting on a socket.
/// </summary>
/// <remarks>
/// The events of one read are routed in log order first and handed to the sockets afterwards, one socket at a
/// time with all its frames back to back. Kestrel's transport sends whatever a socket has buffered when it gets
/// to it, so the busier the server, the more events a read finds and the more frames go out per network write:
/// the cost per delivery falls as load rises.
/// </remarks>
public sealed partial class EventDispatcher(
    Database database, EventStore events, EventNotifier notifier, ConnectionRegistry connections, AttachmentLinks links, ILogger<EventDispatcher> logger)
    : BackgroundService
{
    public const int BatchSize = 1000;
    public const int MaxCachedConversationsPerTenant = 10_000;
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, long> cursors = new(StringComparer.Ordinal);
    private readonly Outbox outbox = new();

    /// <summary>
    /// Per tenant, who belongs to each conversation as of the last event routed in it. Only valid while this
    /// reader sees every event of the tenant; it is dropped when events are skipped (no local sockets) or a
    /// batch fails.
    /// </summary>
    private readonly Dictionary<string, Dictionary<string, HashSet<string>>> members = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        foreach (var tenant in await database.ReadAsync(events.TenantPositionsAsync))
            cursors[tenant.Id] = tenant.EventPosition;

        var pending = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await notifier.Commits.WaitToReadAsync(stoppingToken))
        {
            pending.Clear();
            while (notifier.Commits.TryRead(out var commit))
                pending[commit.TenantId] = Math.Max(commit.Position, pending.GetValueOrDefault(commit.TenantId));
            foreach (var (tenantId, position) in pending)
            {
                try
                {
                    await CatchUpAsync(tenantId, position);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    // The cursor stays where it was and a retry is scheduled; sockets drop what they already got.
                    LogDispatchFailed(logger, error, tenantId);
                    members.Remove(tenantId);
                    _ = RetryLaterAsync(tenantId, position, stoppingToken);
                }
            }
        }
    }

    private async Task CatchUpAsync(string tenantId, long notifiedPosition)
    {
        var cursor = cursors.GetValueOrDefault(tenantId);
        if (!connections.HasTenant(tenantId))
        {
            cursors[tenantId] = Math.Max(cursor, notifiedPosition);
            members.Remove(tenantId);
            return;
        }
        while (cursor < notifiedPosition)
        {
            var batch = await database.ReadStatementAsync(db => events.ReadTenantAsync(db, tenantId, cursor, BatchSize));
            if (batch.Count == 0) break;
            try
            {
                foreach (var e in batch) await RouteAsync(e);
            }
            finally
            {
                // What was routed before a failure goes out, as it would have event by event: routing already applied
                // those events' side effects (a deleted conversation's subscriptions are gone), and the retry's
                // duplicates are dropped by seq.
                outbox.Deliver();
            }
            cursor = batch[^1].Position;
            cursors[tenantId] = cursor;
        }
    }

    private async Task RouteAsync(LoggedEvent e)
    {
        // Built for the first receiver only, so an event no local socket gets costs no frame. Attachment URLs are
        // signed for each receiver, so a frame holding any is completed per user.
        byte[]? shared = null;
        PersonalFrame? personal = null;
        byte[] frameFor(SocketConnection connection)
        {
            if (shared is null)
            {
                shared = Frames.Durable(e.Type, e.Payload, e.Position);
                personal = links.Prepare(shared, e.TenantId);
            }
            return personal is null ? shared : connection.ForMe(personal);
        }
        if (e.UserId is not null)
        {
            foreach (var connection in connections.OfUser(e.TenantId, e.UserId)) outbox.Add(connection, e.Position, frameFor(connection));
            return;
        }
        if (e.ConversationId is null) return;

        var tenantMembers = members.TryGetValue(e.TenantId, out var cached) ? cached : members[e.TenantId] = new(StringComparer.Ordinal);
        var changesMembership = e.Type is EventTypes.ConversationCreated or EventTypes.ConversationDeleted or EventTypes.MemberAdded or EventTypes.MemberRemoved;
        if (changesMembership || !tenantMembers.TryGetValue(e.ConversationId, out var audience))
        {
            audience = await database.ReadStatementAsync(db => events.MembersAtAsync(db, e.TenantId, e.ConversationId, e.Position));
            if (tenantMembers.Count >= MaxCachedConversationsPerTenant) tenantMembers.Clear();
            tenantMembers[e.ConversationId] = audience;
        }

        foreach (var connection in connections.OfUsers(e.TenantId, audience)) outbox.Add(connection, e.Position, frameFor(connection));
        foreach (var connection in connections.SubscribersOf(e.TenantId, e.ConversationId)) outbox.Add(connection, e.Position, frameFor(connection));

        // Membership as of this event includes both who joined and who left at it; the next event reloads it.
        if (changesMembership) tenantMembers.Remove(e.ConversationId);
        if (e.Type == EventTypes.MemberRemoved)
        {
            using var payload = JsonDocument.Parse(e.Payload);
            connections.UnsubscribeUser(e.TenantId, payload.RootElement.GetProperty("userId").GetString()!, e.ConversationId);
        }
        else if (e.Type == EventTypes.ConversationDeleted)
            connections.DropConversation(e.TenantId, e.ConversationId);
    }

    private async Task RetryLaterAsync(string tenantId, long position, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(RetryDelay, stopping);
            notifier.Wake(tenantId, position);
        }
        catch (OperationCanceledException)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Dispatching events of tenant {TenantId} failed; retrying shortly")]
    private static partial void LogDispatchFailed(ILogger logger, Exception error, string tenantId);
}
