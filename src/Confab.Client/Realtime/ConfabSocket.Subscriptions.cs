using System.Text.Json.Nodes;

namespace Confab.Client;

/// <summary>
/// Subscriptions to conversations one reads without being a member (public channels). The server keeps them per
/// connection, so the socket remembers them and sends them again after each resume.
/// </summary>
public sealed partial class ConfabSocket
{
    private const string Subscribe = "conversation.subscribe";

    private readonly HashSet<string> subscriptions = new(StringComparer.Ordinal);

    /// <summary>
    /// Receives the events of a conversation one can read without being a member (a public channel), on this
    /// connection and every later one. Events it had while the socket was down are not replayed: refetch its
    /// history over REST after a reconnect if they matter.
    /// </summary>
    public async Task SubscribeAsync(string conversationId, CancellationToken cancel = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        lock (gate) subscriptions.Add(conversationId);
        try
        {
            await RequestAsync(Subscribe, Target(conversationId), cancel).ConfigureAwait(false);
        }
        catch (ConfabApiException)
        {
            lock (gate) subscriptions.Remove(conversationId);
            throw;
        }
    }

    public Task UnsubscribeAsync(string conversationId, CancellationToken cancel = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        lock (gate) subscriptions.Remove(conversationId);
        return RequestAsync("conversation.unsubscribe", Target(conversationId), cancel);
    }

    /// <summary>Sends the subscriptions on a new connection, so that requests made after it find them in place.</summary>
    private async Task ResubscribeAsync(WebSocketConnection connection)
    {
        string[] kept;
        lock (gate) kept = [.. subscriptions];
        foreach (var conversationId in kept)
        {
            var request = pending.Start();
            _ = ForgetIfRefusedAsync(request, conversationId);
            await connection.SendAsync(Frame.Request(Subscribe, request.Id, Target(conversationId)), stopping.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Drops a subscription the server refuses now (the conversation is gone, say); a lost connection tries again.</summary>
    private async Task ForgetIfRefusedAsync(PendingRequest request, string conversationId)
    {
        using (request)
        {
            try
            {
                await request.Answer.ConfigureAwait(false);
            }
            catch (ConfabApiException refused) when (refused.Status is null)
            {
                lock (gate) subscriptions.Remove(conversationId);
            }
            catch (Exception error) when (error is ConfabApiException or ConfabConnectionLostException or ObjectDisposedException)
            {
                // The connection or the socket ended first; the next connection subscribes again.
            }
        }
    }

    private static JsonObject Target(string conversationId) => new() { ["conversationId"] = conversationId };
}
