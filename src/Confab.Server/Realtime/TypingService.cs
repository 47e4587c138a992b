using System.Collections.Concurrent;
using Confab.Contracts;
using Confab.Server.Conversations;
using Confab.Server.Hosting;
using Confab.Server.Identity;
using Confab.Server.Storage;
using Confab.Server.Users;

namespace Confab.Server.Realtime;

/// <summary>
/// Typing indicators: sent to the conversation's other members and subscribers, never stored. A
/// typing signal lasts <see cref="Lifetime"/> unless renewed; when it lapses the server says
/// <c>isTyping: false</c> itself.
/// </summary>
public sealed partial class TypingService(
    Database database, ConversationGuard guard, MemberStore members, UserStore users, ConnectionRegistry connections, TimeProvider clock,
    ILogger<TypingService> logger)
    : BackgroundService
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<(string Tenant, string Conversation, string User), long> typing = new();

    public async Task SetAsync(UserCaller caller, string? conversationId, bool isTyping)
    {
        var id = conversationId ?? throw Http.ApiException.Invalid("conversationId is required.");
        await database.ReadAsync(async db => (await guard.LoadAsync(db, caller.TenantId, id, caller.UserId)).RequireMember());
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

    private async Task BroadcastAsync((string Tenant, string Conversation, string User) key, bool isTyping, long? expiresAt)
    {
        var (audience, user) = await database.ReadAsync(async db =>
            (await members.UserIdsAsync(db, key.Tenant, key.Conversation), await users.FindAnyAsync(db, key.Tenant, key.User)));
        var frame = Frames.Event(EventTypes.Typing, new
        {
            conversationId = key.Conversation, userId = key.User, user = user?.ToPublic(), isTyping, expiresAt = Time.FromMillis(expiresAt),
        });
        var recipients = connections.OfUsers(key.Tenant, audience.Where(id => id != key.User))
            .Concat(connections.SubscribersOf(key.Tenant, key.Conversation).Where(c => c.Caller.UserId != key.User))
            .Distinct();
        foreach (var connection in recipients) connection.Send(frame);
    }
}
