using System.Text.Json;
using Confab.Contracts;
using Confab.Server.Conversations;
using Confab.Server.Events;
using Confab.Server.Http;
using Confab.Server.Messages;
using Confab.Server.Receipts;
using Confab.Server.Storage;

namespace Confab.Server.Realtime;

/// <summary>
/// The client → server requests of the socket. Each calls the same service as its REST twin, so a rule
/// lives in one place; a request with a <c>requestId</c> gets exactly one <c>ack</c> or <c>error</c>.
/// </summary>
public sealed partial class SocketRequests(
    MessageService messages, ReceiptService receipts, MemberService members, ConversationService conversations,
    TypingService typing, PresenceService presence, UserEventFeed feed, ConversationGuard guard, Database database,
    ConnectionRegistry connections, ILogger<SocketRequests> logger)
{
    public async Task HandleAsync(SocketConnection connection, ReadOnlyMemory<byte> frame)
    {
        string? requestId = null;
        try
        {
            using var document = JsonDocument.Parse(frame);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement) || typeElement.ValueKind != JsonValueKind.String)
                throw ApiException.BadRequest(ErrorCodes.InvalidFrame, "A frame is a JSON object with a string type.");
            if (root.TryGetProperty("requestId", out var id))
                requestId = id.ValueKind == JsonValueKind.String ? id.GetString() : throw ApiException.BadRequest(ErrorCodes.InvalidFrame, "requestId must be a string.");
            var payload = root.TryGetProperty("payload", out var p) && p.ValueKind != JsonValueKind.Null ? p : default;

            var result = await RunAsync(connection, typeElement.GetString()!, payload);
            if (requestId is not null) connection.Send(connection.ForMe(Frames.Ack(requestId, result)));
        }
        catch (ApiException error)
        {
            connection.Send(Frames.Error(requestId, error.Code, error.Message));
            if (error.Code == ErrorCodes.ResumeGap) connection.Close((System.Net.WebSockets.WebSocketCloseStatus)1013, "Reconnect and resume first.");
        }
        catch (JsonException)
        {
            connection.Send(Frames.Error(requestId, ErrorCodes.InvalidJson, "The frame or its payload is not valid JSON of the expected shape."));
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            LogRequestFailed(logger, error);
            connection.Send(Frames.Error(requestId, ErrorCodes.InternalError, "An unexpected error occurred."));
        }
    }

    private async Task<object?> RunAsync(SocketConnection connection, string type, JsonElement payload)
    {
        var caller = connection.Caller;
        switch (type)
        {
            case "ping":
                return new { };
            case "auth":
                throw ApiException.BadRequest(ErrorCodes.AlreadyAuthenticated, "This socket is already authenticated.");
            case FrameTypes.Resume:
                var since = Read<ResumeRequest>(payload).Since ?? throw ApiException.Invalid("since is required.");
                if (since < 0) throw ApiException.Invalid("since must not be negative.");
                await ResumeAsync(connection, since);
                return null;
            case "conversation.subscribe":
            {
                var conversationId = Read<ConversationRef>(payload).ConversationId ?? throw ApiException.Invalid("conversationId is required.");
                // Subscribed before the check: a removal committing meanwhile is either seen by the check or
                // unsubscribes this connection when the dispatcher reaches it.
                connections.Subscribe(connection, conversationId);
                try
                {
                    await database.ReadStatementAsync(db => guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId));
                }
                catch
                {
                    connections.Unsubscribe(connection, conversationId);
                    throw;
                }
                return new { conversationId };
            }
            case "conversation.unsubscribe":
            {
                var conversationId = Read<ConversationRef>(payload).ConversationId ?? throw ApiException.Invalid("conversationId is required.");
                connections.Unsubscribe(connection, conversationId);
                return new { conversationId };
            }
            case "typing":
            {
                var request = Read<TypingRequest>(payload);
                await typing.SetAsync(caller, request.ConversationId, request.IsTyping ?? true);
                return null;
            }
            case "presence":
                await presence.SetStatusAsync(caller, Read<PresenceRequest>(payload).Status);
                return null;
            case "message.send":
            {
                var conversationId = Read<ConversationRef>(payload).ConversationId ?? throw ApiException.Invalid("conversationId is required.");
                var (message, _) = await messages.SendAsync(new Poster(caller.TenantId, caller.UserId, false), conversationId,
                    Read<SendMessageRequest>(payload) with { SenderId = null });
                return message;
            }
            case "message.read":
            case "message.delivered":
            {
                var request = Read<SocketReceiptRequest>(payload);
                return await receipts.MarkAsync(caller, request.ConversationId ?? throw ApiException.Invalid("conversationId is required."),
                    type == "message.read" ? ReceiptStatus.Read : ReceiptStatus.Delivered, new ReceiptRequest(request.MessageIds, null));
            }
            case "message.forward":
            {
                var request = Read<SocketForwardRequest>(payload);
                return await messages.ForwardAsync(caller,
                    request.SourceConversationId ?? throw ApiException.Invalid("sourceConversationId is required."),
                    request.MessageId ?? throw ApiException.Invalid("messageId is required."),
                    new ForwardMessageRequest(request.TargetConversationId, request.Comment));
            }
            case "conversation.member.update":
            {
                var target = Read<MemberRef>(payload);
                return await members.UpdateAsync(caller,
                    target.ConversationId ?? throw ApiException.Invalid("conversationId is required."),
                    target.UserId ?? throw ApiException.Invalid("userId is required."),
                    Read<UpdateMemberRequest>(payload));
            }
            case "conversation.avatar.update":
            {
                var conversationId = Read<ConversationRef>(payload).ConversationId ?? throw ApiException.Invalid("conversationId is required.");
                return await conversations.UpdateAvatarAsync(caller, conversationId, Read<UpdateAvatarRequest>(payload), connection.BaseUrl);
            }
            default:
                throw ApiException.BadRequest(ErrorCodes.UnknownType, $"Unknown request type '{type}'.");
        }
    }

    /// <summary>Replays the user's durable events after <paramref name="since"/>, then <c>resumed</c>; live events wait meanwhile.</summary>
    public async Task ResumeAsync(SocketConnection connection, long since)
    {
        connection.BeginReplay(since);
        try
        {
            var first = true;
            while (true)
            {
                var batch = await feed.ReadAsync(connection.Caller.TenantId, connection.Caller.UserId, since, UserEventFeed.MaxBatch);
                if (first) connection.ReplayFrom(since);
                first = false;
                foreach (var e in batch) await connection.QueueReplayedAsync(e.Position, connection.ForMe(Frames.Durable(e.Type, e.Payload, e.Position)));
                // The last read goes out with the resumed frame; an earlier one now, while the next is read.
                if (batch.Count < UserEventFeed.MaxBatch) break;
                connection.SendQueued();
                since = batch[^1].Position;
            }
            connection.Send(Frames.Event(FrameTypes.Resumed, new { }));
        }
        catch (ApiException error) when (error.Code == ErrorCodes.ResyncRequired)
        {
            var seq = await feed.LastPositionAsync(connection.Caller.TenantId);
            connection.RestartAfter(seq);
            connection.Send(Frames.Event(EventTypes.ResyncRequired, new { message = error.Message, seq }));
        }
        finally
        {
            connection.EndReplay();
        }
    }

    /// <summary>Binds a request payload; members that address the target (conversationId, userId) are simply not part of the body type.</summary>
    private static T Read<T>(JsonElement payload)
    {
        if (payload.ValueKind == JsonValueKind.Undefined) return JsonSerializer.Deserialize<T>("{}", JsonDefaults.Options)!;
        if (payload.ValueKind != JsonValueKind.Object) throw ApiException.BadRequest(ErrorCodes.InvalidFrame, "payload must be a JSON object.");
        return payload.Deserialize<T>(JsonDefaults.Options)!;
    }

    private sealed record ResumeRequest(long? Since);

    private sealed record ConversationRef(string? ConversationId);

    private sealed record MemberRef(string? ConversationId, string? UserId);

    private sealed record TypingRequest(string? ConversationId, bool? IsTyping);

    private sealed record PresenceRequest(string? Status);

    private sealed record SocketReceiptRequest(string? ConversationId, IReadOnlyList<string?>? MessageIds);

    private sealed record SocketForwardRequest(string? SourceConversationId, string? MessageId, string? TargetConversationId, string? Comment);

    [LoggerMessage(Level = LogLevel.Error, Message = "A socket request failed unexpectedly")]
    private static partial void LogRequestFailed(ILogger logger, Exception error);
}
