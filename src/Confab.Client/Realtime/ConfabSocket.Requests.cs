using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Confab.Client;

/// <summary>Requests over the socket: each waits for its ack, or fails with the server's error.</summary>
public sealed partial class ConfabSocket
{
    /// <summary>
    /// Sends a request and returns its ack payload. Waits for the socket to be connected if it is not, all within
    /// <see cref="ConfabSocketOptions.RequestTimeout"/> (then <see cref="TimeoutException"/>). An error frame is a
    /// <see cref="ConfabApiException"/> with the server's code; a drop before the answer is a <see cref="ConfabConnectionLostException"/>.
    /// </summary>
    public async Task<JsonElement> RequestAsync(string type, JsonObject? payload = null, CancellationToken cancel = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(options.RequestTimeout);
        try
        {
            var connection = await WaitConnectedAsync(timeout.Token).ConfigureAwait(false);
            using var request = pending.Start();
            try
            {
                await connection.SendAsync(Frame.Request(type, request.Id, payload), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception error) when (error is WebSocketException or ObjectDisposedException)
            {
                throw new ConfabConnectionLostException($"The connection dropped while sending '{type}'.", error);
            }
            return await request.Answer.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancel.IsCancellationRequested)
        {
            throw new TimeoutException($"The server did not answer '{type}' within {options.RequestTimeout}.");
        }
    }

    /// <summary>Sends a message (<c>message.send</c>); the ack carries the stored message. Idempotent on <c>ClientMessageId</c>.</summary>
    public async Task<Message> SendMessageAsync(string conversationId, SendMessageRequest message, CancellationToken cancel = default)
    {
        var payload = ConfabJson.ToObject(message);
        payload["conversationId"] = conversationId;
        return Read<Message>(await RequestAsync("message.send", payload, cancel).ConfigureAwait(false));
    }

    /// <summary>Says the user is (or stopped) typing; the server lets it lapse after 6 s without renewal.</summary>
    public Task SetTypingAsync(string conversationId, bool isTyping = true, CancellationToken cancel = default) =>
        RequestAsync("typing", new JsonObject { ["conversationId"] = conversationId, ["isTyping"] = isTyping }, cancel);

    /// <summary>Sets the user's presence: online, away, busy or invisible (seen as offline).</summary>
    public Task SetPresenceAsync(string status, CancellationToken cancel = default) =>
        RequestAsync("presence", new JsonObject { ["status"] = status }, cancel);

    /// <summary>Marks messages read (<c>message.read</c>); with no IDs, everything so far.</summary>
    public Task<ReceiptResult> MarkReadAsync(string conversationId, IEnumerable<string>? messageIds = null, CancellationToken cancel = default) =>
        MarkAsync("message.read", conversationId, messageIds, cancel);

    /// <summary>Marks messages delivered (<c>message.delivered</c>); with no IDs, everything so far.</summary>
    public Task<ReceiptResult> MarkDeliveredAsync(string conversationId, IEnumerable<string>? messageIds = null, CancellationToken cancel = default) =>
        MarkAsync("message.delivered", conversationId, messageIds, cancel);

    /// <summary>Round-trips a <c>ping</c>; returns how long the answer took.</summary>
    public async Task<TimeSpan> PingAsync(CancellationToken cancel = default)
    {
        var started = Stopwatch.GetTimestamp();
        await RequestAsync("ping", null, cancel).ConfigureAwait(false);
        return Stopwatch.GetElapsedTime(started);
    }

    private async Task<ReceiptResult> MarkAsync(string type, string conversationId, IEnumerable<string>? messageIds, CancellationToken cancel)
    {
        var payload = new JsonObject { ["conversationId"] = conversationId };
        if (messageIds is not null) payload["messageIds"] = new JsonArray([.. messageIds.Select(id => (JsonNode?)JsonValue.Create(id))]);
        return Read<ReceiptResult>(await RequestAsync(type, payload, cancel).ConfigureAwait(false));
    }

    private static T Read<T>(JsonElement payload) => payload.Deserialize(ConfabJson.Info<T>()) ?? throw new JsonException("The ack has no payload.");
}
