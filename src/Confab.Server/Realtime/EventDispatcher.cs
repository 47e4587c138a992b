using System.Text.Json;
using Confab.Contracts;
using Confab.Server.Events;
using Confab.Server.Storage;

namespace Confab.Server.Realtime;

/// <summary>
/// Reads each tenant's log from where it left off whenever the notifier says a commit appended to it,
/// and hands every event to the local sockets of the users it concerns: the one user it names, or the
/// members of its conversation at that event's position (plus sockets subscribed to the conversation).
/// One reader, in log order, never waiting on a socket.
/// </summary>
public sealed partial class EventDispatcher(
    Database database, EventStore events, EventNotifier notifier, ConnectionRegistry connections, ILogger<EventDispatcher> logger)
    : BackgroundService
{
    public const int BatchSize = 1000;
    public const int MaxCachedConversations = 50_000;

    private readonly Dictionary<string, long> cursors = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Tenant, string Conversation), HashSet<string>> members = [];

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
                    // The cursor stays where it was, so the next commit retries; sockets drop what they already sent.
                    LogDispatchFailed(logger, error, tenantId);
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
            return;
        }
        while (cursor < notifiedPosition)
        {
            var batch = await database.ReadAsync(db => events.ReadTenantAsync(db, tenantId, cursor, BatchSize));
            if (batch.Count == 0) break;
            foreach (var e in batch) await RouteAsync(e);
            cursor = batch[^1].Position;
            cursors[tenantId] = cursor;
        }
    }

    private async Task RouteAsync(LoggedEvent e)
    {
        var frame = Frames.Durable(e.Type, e.Payload, e.Position);
        if (e.UserId is not null)
        {
            foreach (var connection in connections.OfUser(e.TenantId, e.UserId)) connection.DeliverDurable(e.Position, frame);
            return;
        }
        if (e.ConversationId is null) return;

        var key = (e.TenantId, e.ConversationId);
        var changesMembership = e.Type is EventTypes.ConversationCreated or EventTypes.ConversationDeleted or EventTypes.MemberAdded or EventTypes.MemberRemoved;
        if (changesMembership || !members.TryGetValue(key, out var audience))
        {
            audience = await database.ReadAsync(db => events.MembersAtAsync(db, e.TenantId, e.ConversationId, e.Position));
            if (members.Count >= MaxCachedConversations) members.Clear();
            members[key] = audience;
        }

        foreach (var connection in connections.OfUsers(e.TenantId, audience)) connection.DeliverDurable(e.Position, frame);
        foreach (var connection in connections.SubscribersOf(e.TenantId, e.ConversationId)) connection.DeliverDurable(e.Position, frame);

        // Membership as of this event includes both who joined and who left at it; the next event reloads it.
        if (changesMembership) members.Remove(key);
        if (e.Type == EventTypes.MemberRemoved)
            connections.UnsubscribeUser(e.TenantId, JsonDocument.Parse(e.Payload).RootElement.GetProperty("userId").GetString()!, e.ConversationId);
        else if (e.Type == EventTypes.ConversationDeleted)
            connections.DropConversation(e.TenantId, e.ConversationId);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Dispatching events of tenant {TenantId} failed; the next commit retries")]
    private static partial void LogDispatchFailed(ILogger logger, Exception error, string tenantId);
}
