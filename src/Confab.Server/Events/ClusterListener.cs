using System.Text.Json;
using System.Threading.Channels;
using Confab.Server.Hosting;
using Confab.Server.Identity;
using Confab.Server.Http;
using Confab.Server.Realtime;
using Confab.Server.Storage;
using Npgsql;

namespace Confab.Server.Events;

/// <summary>
/// Hears what the other nodes tell (LISTEN on <see cref="PostgresClusterLink.Channel"/>) and acts on it here:
/// commits wake this node's log readers, typing and presence signals reach this node's sockets. After every
/// (re)connection it wakes every tenant's readers and reloads presence, since news sent meanwhile was lost.
/// </summary>
public sealed partial class ClusterListener(
    IStoreEngine engine, NodeIdentity node, Database database, EventStore events, EventNotifier notifier, TypingService typing,
    PresenceService presence, SessionRevocations revocations, ILogger<ClusterListener> logger)
    : BackgroundService
{
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    private readonly Channel<ClusterNews> inbox = Channel.CreateUnbounded<ClusterNews>(new UnboundedChannelOptions { SingleReader = true });

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        engine is PostgresEngine postgres ? Task.WhenAll(ListenAsync(postgres, stoppingToken), HandleAsync(stoppingToken)) : Task.CompletedTask;

    private async Task ListenAsync(PostgresEngine postgres, CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await using var connection = postgres.CreateListeningConnection();
                await connection.OpenAsync(stopping);
                connection.Notification += (_, notification) => Receive(notification.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresClusterLink.Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stopping);
                await CatchUpAsync();
                while (true) await connection.WaitAsync(stopping);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                LogListenFailed(logger, error);
                await Task.Delay(ReconnectDelay, stopping);
            }
        }
    }

    private void Receive(string payload)
    {
        ClusterEnvelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<ClusterEnvelope>(payload, JsonDefaults.Options);
        }
        catch (JsonException error)
        {
            LogUnreadable(logger, error);
            return;
        }
        if (envelope is null || envelope.Node == node.Id) return;
        foreach (var news in envelope.News) inbox.Writer.TryWrite(news);
    }

    private async Task CatchUpAsync()
    {
        foreach (var tenant in await database.ReadAsync(events.TenantPositionsAsync)) notifier.Wake(tenant.Id, tenant.EventPosition);
        await presence.ReloadAsync();
    }

    private async Task HandleAsync(CancellationToken stopping)
    {
        await foreach (var news in inbox.Reader.ReadAllAsync(stopping))
        {
            try
            {
                if (news.Commit is { } commit) notifier.Wake(commit.TenantId, commit.Position);
                if (news.Typing is { } signal) await typing.DeliverAsync(signal);
                if (news.Presence is { } change) await presence.DeliverAsync(change);
                if (news.Revocation is { } revoked) revocations.Announce(revoked.TenantId, revoked.UserId);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                LogHandleFailed(logger, error);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listening to the other nodes failed; reconnecting")]
    private static partial void LogListenFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A notification on the cluster channel was not news from a node; ignored")]
    private static partial void LogUnreadable(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Acting on news from another node failed")]
    private static partial void LogHandleFailed(ILogger logger, Exception error);
}
