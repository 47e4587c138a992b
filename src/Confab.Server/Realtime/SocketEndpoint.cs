using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using Confab.Contracts;
using Confab.Server.Attachments;
using Confab.Server.Events;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Identity;

namespace Confab.Server.Realtime;

/// <summary>
/// <c>GET /v1/socket</c>: authenticates by <c>?token=</c>, a bearer header, or an <c>auth</c> frame
/// within 10 s; then reads requests one at a time while the connection's writer sends what the
/// dispatcher and the services queue. Durable events wait until the client's first request (normally
/// <c>resume</c>) or for one second; see <see cref="SocketConnection"/> for how the stream stays whole.
/// </summary>
public static partial class SocketEndpoint
{
    public const int MaxFrameBytes = 64 * 1024;
    public static readonly TimeSpan AuthTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan FirstRequestGrace = TimeSpan.FromSeconds(1);

    public static void MapSocketEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/socket", async (HttpContext context, CredentialStore credentials, ConnectionRegistry connections,
                SocketRequests requests, PresenceService presence, UserEventFeed feed, AttachmentLinks links, PublicUrls urls,
                IHostApplicationLifetime lifetime, ILoggerFactory loggers) =>
            {
                if (!context.WebSockets.IsWebSocketRequest)
                    throw ApiException.BadRequest(ErrorCodes.WebSocketRequired, "Open /v1/socket as a WebSocket.");

                var token = context.Request.Query["token"].FirstOrDefault() ?? BearerToken(context);
                var session = token is null ? null : await credentials.FindSessionAsync(token);
                if (token is not null && session is null)
                    throw ApiException.Unauthorized("The session token is invalid, expired or revoked.");

                using var socket = await context.WebSockets.AcceptWebSocketAsync();
                if (token is null)
                {
                    token = await ReadAuthFrameAsync(socket, context.RequestAborted);
                    session = token is null ? null : await credentials.FindSessionAsync(token);
                }
                if (session is null)
                {
                    if (token is not null) await RefuseAsync(socket, ErrorCodes.Unauthorized, "The session token is invalid, expired or revoked.");
                    return Results.Empty;
                }

                using var connection = new SocketConnection(socket, session.Caller, session.ExpiresAt, links, urls.BaseOf(context.Request));
                using var stopping = lifetime.ApplicationStopping.Register(() =>
                    connection.Close(WebSocketCloseStatus.EndpointUnavailable, "The server is shutting down; reconnect and resume."));
                await RunAsync(connection, token!, credentials, connections, requests, presence, feed,
                    loggers.CreateLogger(typeof(SocketEndpoint)), context.RequestAborted);
                return Results.Empty;
            })
            .WithTags("Client").WithSummary("The WebSocket: events out, requests in (see docs/socket.md)");
    }

    private static async Task RunAsync(SocketConnection connection, string token, CredentialStore credentials, ConnectionRegistry connections,
        SocketRequests requests, PresenceService presence, UserEventFeed feed, ILogger logger, CancellationToken aborted)
    {
        var caller = connection.Caller;
        // Registered before anything is read, so no commit and no revocation can fall between the checks below and delivery.
        var first = connections.Add(connection);
        var writer = connection.WriteLoopAsync();
        var online = Task.CompletedTask;
        try
        {
            if (await credentials.FindSessionAsync(token) is null)
            {
                connection.Close(WebSocketCloseStatus.PolicyViolation, "The session was revoked.");
                return;
            }
            var readySeq = await feed.LastPositionAsync(caller.TenantId);
            connection.Start(Frames.Event(FrameTypes.Ready, new { userId = caller.UserId, seq = readySeq }), readySeq);
            // Beside the read loop, not before it: when many clients reconnect at once, their presence writes queue
            // for the single writer, and a resume that waited behind them would take as long as all of them.
            if (first) online = presence.ConnectedAsync(caller);
            _ = GoLiveAfterGraceAsync(connection);
            await ReadLoopAsync(connection, requests, aborted);
            await online;
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException)
        {
            LogSocketEnded(logger, error.Message);
        }
        finally
        {
            connection.Close(WebSocketCloseStatus.NormalClosure, "Closed.");
            await Task.WhenAny(online);
            if (connections.Remove(connection)) await presence.DisconnectedAsync(caller);
            await writer;
        }
    }

    private static async Task ReadLoopAsync(SocketConnection connection, SocketRequests requests, CancellationToken aborted)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxFrameBytes + 1);
        // Closing ends the loop at once without cancelling the receive (which would abort the socket before
        // its close frame); the abandoned receive ends with the close handshake or the cut-off.
        var closed = Task.Delay(Timeout.Infinite, connection.Closing);
        var bufferStillInUse = false;
        try
        {
            var firstRequest = true;
            while (true)
            {
                var receiving = ReceiveFrameAsync(connection.Socket, buffer, aborted);
                if (await Task.WhenAny(receiving, closed) != receiving)
                {
                    _ = receiving.ContinueWith(r => r.Exception, TaskScheduler.Default);
                    bufferStillInUse = true;
                    return;
                }
                var (length, kind) = await receiving;
                if (kind == WebSocketMessageType.Close) return;
                if (length > MaxFrameBytes)
                {
                    connection.Close(WebSocketCloseStatus.MessageTooBig, $"Frames are limited to {MaxFrameBytes} bytes.");
                    return;
                }
                if (kind == WebSocketMessageType.Binary)
                {
                    connection.Send(Frames.Error(null, ErrorCodes.InvalidFrame, "Send frames as JSON text."));
                    continue;
                }
                await requests.HandleAsync(connection, buffer.AsMemory(0, length));
                if (firstRequest)
                {
                    firstRequest = false;
                    connection.GoLive();
                }
            }
        }
        finally
        {
            // A receive left running may still write into the buffer; then it goes to the garbage collector, not back to the pool.
            if (!bufferStillInUse) ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Reads one whole message into <paramref name="buffer"/>; a length past the frame limit means it was too big (the rest is skipped).</summary>
    private static async Task<(int Length, WebSocketMessageType Kind)> ReceiveFrameAsync(WebSocket socket, byte[] buffer, CancellationToken cancel)
    {
        var length = 0;
        while (true)
        {
            var room = buffer.Length - length;
            var result = await socket.ReceiveAsync(room > 0 ? buffer.AsMemory(length, room) : buffer.AsMemory(buffer.Length - 1, 1), cancel);
            if (result.MessageType == WebSocketMessageType.Close) return (0, WebSocketMessageType.Close);
            length = Math.Min(length + result.Count, buffer.Length);
            if (result.EndOfMessage) return (length, result.MessageType);
            if (length > MaxFrameBytes) return (length, result.MessageType);
        }
    }

    /// <summary>
    /// Waits up to <see cref="AuthTimeout"/> for an <c>auth</c> frame and returns its token, or refuses the
    /// socket and returns null. The wait is not a cancellation: cancelling a receive would abort the socket
    /// before the refusal could be sent.
    /// </summary>
    private static async Task<string?> ReadAuthFrameAsync(WebSocket socket, CancellationToken aborted)
    {
        var buffer = new byte[MaxFrameBytes + 1];
        var receiving = ReceiveFrameAsync(socket, buffer, aborted);
        try
        {
            if (await Task.WhenAny(receiving, Task.Delay(AuthTimeout, aborted)) != receiving)
            {
                await RefuseAsync(socket, ErrorCodes.AuthenticationTimeout, "No auth frame arrived within 10 seconds.");
                if (await Task.WhenAny(receiving, Task.Delay(SocketConnection.CloseGrace, aborted)) != receiving) socket.Abort();
                return null;
            }
            var (length, kind) = await receiving;
            if (kind == WebSocketMessageType.Text && length <= MaxFrameBytes && ReadAuthToken(buffer.AsSpan(0, length)) is { } token) return token;
            await RefuseAsync(socket, ErrorCodes.Unauthorized, "Authenticate first: {\"type\":\"auth\",\"payload\":{\"token\":\"...\"}} with a valid session token.");
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException)
        {
            socket.Abort();
        }
        return null;
    }

    private static string? ReadAuthToken(ReadOnlySpan<byte> frame)
    {
        try
        {
            var reader = new Utf8JsonReader(frame);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("type", out var type) && type.ValueEquals("auth")
                && root.TryGetProperty("payload", out var payload) && payload.ValueKind == JsonValueKind.Object
                && payload.TryGetProperty("token", out var token) && token.ValueKind == JsonValueKind.String
                ? token.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task RefuseAsync(WebSocket socket, string code, string message)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await socket.SendAsync(Frames.Error(null, code, message), WebSocketMessageType.Text, true, timeout.Token);
            await socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, "Not authenticated.", timeout.Token);
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException)
        {
        }
    }

    private static async Task GoLiveAfterGraceAsync(SocketConnection connection)
    {
        try
        {
            await Task.Delay(FirstRequestGrace, connection.Closing);
            connection.GoLive();
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string? BearerToken(HttpContext context)
    {
        string? header = context.Request.Headers.Authorization;
        return header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Socket ended: {Reason}")]
    private static partial void LogSocketEnded(ILogger logger, string reason);
}
