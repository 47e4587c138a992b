using System.Collections.Concurrent;
using Confab.Contracts;
using Confab.Server.Conversations;
using Confab.Server.Events;
using Confab.Server.Hosting;
using Confab.Server.Identity;
using Confab.Server.Storage;
using Confab.Server.Users;

namespace Confab.Server.Realtime;

/// <summary>
/// Typing indicators: sent to the conversation's other members and subscribers on every node, never stored. A
/// typing signal lasts <see cref="Lifetime"/> unless renewed; when it lapses the node that received it says
/// <c>isTyping: false</c> itself.
/// </summary>
public sealed partial class TypingService(
    Database database, ConversationGuard guard, MemberStore members, UserStore users, ConnectionRegistry connections, IClusterLink cluster,
    TimeProvider clock, ILogger<TypingService> logger)
    : BackgroundService
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<(string Tenant, string Conversation, string User), long> typing = new();

    public async Task SetAsync(UserCaller caller, string? conversationId, bool isTyping)
    {
        var id = conversationId ?? throw Http.ApiException.Invalid("conversationId is required.");
        await database.ReadStatementAsync(async db => (await guard.LoadAsync(db, caller.TenantId, id, caller.UserId)).RequireMember());
        var key = (caller.TenantId, id, caller.UserId);
        long? expiresAt = null;
        if (isTyping)
        {
            expiresAt = Time.Now(clock) + (long)Lifetime.TotalMilliseconds;
            typing[key] = expiresAt.Value;
        }
        else if (!typing.TryRemove(key, out _))
        {
            return;
        }
        await BroadcastAsync(key, isTyping, expiresAt);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SweepInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            var now = Time.Now(clock);
            foreach (var (key, expiresAt) in typing)
            {
                if (expiresAt <= now && typing.TryRemove(new KeyValuePair<(string, string, string), long>(key, expiresAt)))
                {
                    try
                    {
                        await BroadcastAsync(key, false, null);
                    }
                    catch (Exception error) when (error is not OperationCanceledException)
                    {
                        LogLapseFailed(logger, error);
                    }
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Announcing a lapsed typing indicator failed")]
    private static partial void LogLapseFailed(ILogger logger, Exception error);

    private Task BroadcastAsync((string Tenant, string Conversation, string User) key, bool isTyping, long? expiresAt)
    {
        var signal = new TypingSignal(key.Tenant, key.Conversation, key.User, isTyping, expiresAt);
        cluster.Tell(new ClusterNews(Typing: signal));
        return DeliverAsync(signal);
    }

    /// <summary>Sends the signal to this node's sockets of the conversation's other members and subscribers.</summary>
    public async Task DeliverAsync(TypingSignal signal)
    {
        var (audience, user) = await database.ReadAsync(async db =>
            (await members.UserIdsAsync(db, signal.TenantId, signal.ConversationId), await users.FindAnyAsync(db, signal.TenantId, signal.UserId)));
        var frame = Frames.Event(EventTypes.Typing, new
        {
            conversationId = signal.ConversationId, userId = signal.UserId, user = user?.ToPublic(), isTyping = signal.IsTyping,
            expiresAt = Time.FromMillis(signal.ExpiresAt),
        });
        var recipients = connections.OfUsers(signal.TenantId, audience.Where(id => id != signal.UserId))
            .Concat(connections.SubscribersOf(signal.TenantId, signal.ConversationId).Where(c => c.Caller.UserId != signal.UserId))
            .Distinct();
        foreach (var connection in recipients) connection.Send(frame);
    }
}
