using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
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
        app.MapGet("/v1/socket", AcceptAsync).WithTags("Client").WithSummary("The WebSocket: events out, requests in (see docs/socket.md)");
        // An HTTP/2 WebSocket (RFC 8441), which browsers open wherever the server speaks HTTP/2, is a CONNECT request;
        // OpenAPI has no such operation to describe it with.
        app.MapMethods("/v1/socket", [HttpMethods.Connect], AcceptAsync).ExcludeFromDescription();
    }

    private static async Task<IResult> AcceptAsync(HttpContext context, CredentialStore credentials, SessionRevocations revocations, ConnectionRegistry connections,
        SocketRequests requests, PresenceService presence, UserEventFeed feed, AttachmentLinks links, PublicUrls urls,
        IHostApplicationLifetime lifetime, ILoggerFactory loggers)
    {
        if (!context.WebSockets.IsWebSocketRequest)
            throw ApiException.BadRequest(ErrorCodes.WebSocketRequired, "Open /v1/socket as a WebSocket.");

        var token = QueryToken(context) ?? BearerToken(context);
        var revocationsBefore = revocations.Announced;
        var session = token is null ? null : await credentials.FindSessionAsync(token);
        if (token is not null && session is null)
            throw ApiException.Unauthorized("The session token is invalid, expired or revoked.");

        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        if (token is null)
        {
            token = await ReadAuthFrameAsync(socket, context.RequestAborted);
            revocationsBefore = revocations.Announced;
            session = token is null ? null : await credentials.FindSessionAsync(token);
        }
        if (session is null)
        {
            if (token is not null) await RefuseAsync(socket, ErrorCodes.Unauthorized, "The session token is invalid, expired or revoked.");
            return Results.Empty;
        }

        var connection = new SocketConnection(socket, SocketUpgrade.StreamOf(context), session.Caller, session.ExpiresAt, links, urls.BaseOf(context.Request));
        using var stopping = lifetime.ApplicationStopping.Register(() =>
            connection.Close(WebSocketCloseStatus.EndpointUnavailable, "The server is shutting down; reconnect and resume."));
        var revokedMeanwhile = () => revocations.Announced != revocationsBefore;
        await RunAsync(connection, token!, revokedMeanwhile, credentials, connections, requests, presence, feed,
            loggers.CreateLogger(typeof(SocketEndpoint)));
        return Results.Empty;
    }

    private static async Task RunAsync(SocketConnection connection, string token, Func<bool> revokedMeanwhile, CredentialStore credentials,
        ConnectionRegistry connections, SocketRequests requests, PresenceService presence, UserEventFeed feed, ILogger logger)
    {
        var caller = connection.Caller;
        // Registered before anything is read, so no commit and no revocation can fall between the checks below and delivery.
        // A revocation acted on after the session lookup and before this registration could not close the socket, so
        // then the session is looked up again; otherwise the first lookup stands.
        var first = connections.Add(connection);
        var online = Task.CompletedTask;
        try
        {
            if (revokedMeanwhile() && await credentials.FindSessionAsync(token) is null)
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
            await ReadLoopAsync(connection, requests);
            await online;
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException)
        {
            LogSocketEnded(logger, error.Message);
        }
        finally
        {
            connection.Close(WebSocketCloseStatus.NormalClosure, "Closed.");
            await online.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (connections.Remove(connection)) await presence.DisconnectedAsync(caller);
            await connection.Written;
        }
    }

    private static async Task ReadLoopAsync(SocketConnection connection, SocketRequests requests)
    {
        // Closing ends the loop at once without cancelling the receive (which would abort the socket before
        // its close frame); the abandoned receive ends with the close handshake or the cut-off. The receive
        // takes no token either: a client that goes away ends it with an error, and a token costs every socket a registration.
        var firstRequest = true;
        while (true)
        {
            var receiving = ClientFrames.ReceiveAsync(connection.Socket, CancellationToken.None);
            if (await Task.WhenAny(receiving, connection.Closed) != receiving)
            {
                _ = receiving.ContinueWith(DisposeAbandoned, TaskScheduler.Default);
                return;
            }
            using var frame = await receiving;
            if (frame.Kind == WebSocketMessageType.Close) return;
            if (frame.TooBig)
            {
                connection.Close(WebSocketCloseStatus.MessageTooBig, $"Frames are limited to {MaxFrameBytes} bytes.");
                return;
            }
            if (frame.Kind == WebSocketMessageType.Binary)
            {
                connection.Send(Frames.Error(null, ErrorCodes.InvalidFrame, "Send frames as JSON text."));
                continue;
            }
            await requests.HandleAsync(connection, frame.Data);
            if (firstRequest)
            {
                firstRequest = false;
                connection.GoLive();
            }
        }
    }

    /// <summary>A receive left running when its socket closed: its buffer goes back to the pool once it ends.</summary>
    private static void DisposeAbandoned(Task<ClientFrame> receiving)
    {
        if (receiving.IsCompletedSuccessfully) receiving.Result.Dispose();
        else _ = receiving.Exception;
    }

    /// <summary>
    /// Waits up to <see cref="AuthTimeout"/> for an <c>auth</c> frame and returns its token, or refuses the
    /// socket and returns null. The wait is not a cancellation: cancelling a receive would abort the socket
    /// before the refusal could be sent.
    /// </summary>
    private static async Task<string?> ReadAuthFrameAsync(WebSocket socket, CancellationToken aborted)
    {
        var receiving = ClientFrames.ReceiveAsync(socket, aborted);
        try
        {
            if (await Task.WhenAny(receiving, Task.Delay(AuthTimeout, aborted)) != receiving)
            {
                _ = receiving.ContinueWith(DisposeAbandoned, TaskScheduler.Default);
                await RefuseAsync(socket, ErrorCodes.AuthenticationTimeout, "No auth frame arrived within 10 seconds.");
                if (await Task.WhenAny(receiving, Task.Delay(SocketConnection.CloseGrace, aborted)) != receiving) socket.Abort();
                return null;
            }
            using var frame = await receiving;
            if (frame.Kind == WebSocketMessageType.Text && !frame.TooBig && ReadAuthToken(frame.Data.Span) is { } token) return token;
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
        if (await Task.WhenAny(Task.Delay(FirstRequestGrace), connection.Closed) != connection.Closed) connection.GoLive();
    }

    // Parsed here rather than through Request.Query, which the request would keep (with every other parameter) for the socket's life.
    private static string? QueryToken(HttpContext context) =>
        QueryHelpers.ParseNullableQuery(context.Request.QueryString.Value) is { } query && query.TryGetValue("token", out var token) ? token.FirstOrDefault() : null;

    private static string? BearerToken(HttpContext context)
    {
        string? header = context.Request.Headers.Authorization;
        return header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Socket ended: {Reason}")]
    private static partial void LogSocketEnded(ILogger logger, string reason);
}
