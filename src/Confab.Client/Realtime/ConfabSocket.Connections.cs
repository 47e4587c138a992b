using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Confab.Client;

/// <summary>
/// The connection loop: serves one connection at a time (resume at once or on ready, events through the cursor, answers to
/// requests), reconnects with backoff when it drops, and closes the socket for good on dispose or a refused token.
/// </summary>
public sealed partial class ConfabSocket
{
    /// <summary>Serves connections one after another until the socket is disposed or the server refuses the token.</summary>
    private async Task RunAsync(WebSocketConnection first)
    {
        Exception? failure = null;
        try
        {
            WebSocketConnection? connection = first;
            var attempt = 0;
            while (true)
            {
                if (connection is not null)
                {
                    if (await ServeAsync(connection).ConfigureAwait(false)) attempt = 0;
                    if (closing) return;
                    SetState(ConfabSocketState.Reconnecting);
                }
                await Task.Delay(ReconnectBackoff.Delay(attempt++, options.InitialReconnectDelay, options.MaxReconnectDelay), stopping.Token)
                    .ConfigureAwait(false);
                connection = await TryOpenAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception error)
        {
            failure = error;
        }
        finally
        {
            Finish(failure);
        }
    }

    private async Task<WebSocketConnection?> TryOpenAsync()
    {
        try
        {
            return await connector.OpenAsync(stopping.Token).ConfigureAwait(false);
        }
        catch (Exception error) when (error is WebSocketException or HttpRequestException or IOException
            || error is OperationCanceledException && !stopping.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>The requestId of the resume each connection starts with; the server answers it like any request.</summary>
    private const string ResumeRequestId = "confab-resume";

    /// <summary>Reads one connection's frames until it ends; true when it got as far as being caught up.</summary>
    private async Task<bool> ServeAsync(WebSocketConnection connection)
    {
        lock (gate) current = connection;
        var caughtUp = false;
        try
        {
            // Resuming from a seq already known needs nothing from the ready frame: sent at once, the resume is the
            // server's first request however slow the way back is (one that arrived after the server had gone live
            // without it, a second after ready, could be refused, and this connection would be of no use).
            var known = cursor.Last;
            if (known is { } since) await SendResumeAsync(connection, since).ConfigureAwait(false);
            // Durable events wait for the resume's outcome: had the server gone live before it came, and refused it,
            // those events came after a gap, and taking them would move the cursor past events never delivered.
            List<Frame>? heldUntilResumed = [];
            while (await connection.ReceiveAsync(stopping.Token).ConfigureAwait(false) is { } frame)
            {
                switch (frame.Type)
                {
                    case FrameTypes.Ready:
                        if (known is null) await SendResumeAsync(connection, cursor.ResumeFrom(frame.PositionSeq())).ConfigureAwait(false);
                        break;
                    case FrameTypes.Ack when frame.RequestId == ResumeRequestId:
                        break;
                    case FrameTypes.Error when frame.RequestId == ResumeRequestId:
                        // The server refused or failed the resume: this connection is of no use; the caller reconnects.
                        return false;
                    case FrameTypes.Resumed:
                        DeliverHeld(ref heldUntilResumed);
                        caughtUp = true;
                        await CaughtUpAsync(connection).ConfigureAwait(false);
                        break;
                    case EventTypes.ResyncRequired:
                        DeliverHeld(ref heldUntilResumed);
                        cursor.Resynced(frame.PositionSeq());
                        events.Writer.TryWrite(frame.ToEvent());
                        caughtUp = true;
                        await CaughtUpAsync(connection).ConfigureAwait(false);
                        break;
                    case FrameTypes.Ack or FrameTypes.Error when frame.RequestId is not null:
                        pending.Answer(frame);
                        break;
                    default:
                        if (frame.Seq is not null && heldUntilResumed is not null) heldUntilResumed.Add(frame);
                        else Deliver(frame);
                        break;
                }
            }
        }
        catch (Exception error) when (error is WebSocketException or JsonException
            || error is OperationCanceledException or ObjectDisposedException && !stopping.IsCancellationRequested)
        {
            // The connection broke (or sent something unreadable): the caller reconnects. A WebSocket aborted between
            // two reads or sends (ClientWebSocket.Abort disposes it) answers the next one with ObjectDisposedException.
        }
        finally
        {
            Disconnected(connection);
        }
        return caughtUp;
    }

    /// <summary>Hands the app an event, unless its seq is one the cursor has passed.</summary>
    private void Deliver(Frame frame)
    {
        if (frame.Seq is not { } seq || cursor.Advance(seq)) events.Writer.TryWrite(frame.ToEvent());
    }

    private void DeliverHeld(ref List<Frame>? held)
    {
        foreach (var frame in held ?? []) Deliver(frame);
        held = null;
    }

    private Task SendResumeAsync(WebSocketConnection connection, long since) =>
        connection.SendAsync(Frame.Request(FrameTypes.Resume, ResumeRequestId, new JsonObject { ["since"] = since }), stopping.Token);

    /// <summary>The connection has resumed: subscriptions are restored, then requests may go out.</summary>
    private async Task CaughtUpAsync(WebSocketConnection connection)
    {
        await ResubscribeAsync(connection).ConfigureAwait(false);
        lock (gate) connected.TrySetResult(connection);
        SetState(ConfabSocketState.Connected);
    }

    private void Disconnected(WebSocketConnection connection)
    {
        lock (gate)
        {
            current = null;
            if (connected.Task.IsCompleted) connected = NewSignal();
        }
        pending.FailAll(() => new ConfabConnectionLostException("The connection dropped before the server answered; the request may or may not have been carried out."));
        connection.Dispose();
    }

    /// <summary>The socket is done for good: waiters and requests fail, and the event stream ends (with the failure, if any).</summary>
    private void Finish(Exception? failure)
    {
        lock (gate)
        {
            closing = true;
            closedBecause = failure;
            connected.TrySetResult(null);
        }
        pending.FailAll(() => failure ?? new ObjectDisposedException(nameof(ConfabSocket)));
        events.Writer.TryComplete(failure);
        SetState(ConfabSocketState.Closed);
    }

    /// <summary>The caught-up connection, waiting for one while connecting or reconnecting.</summary>
    private async Task<WebSocketConnection> WaitConnectedAsync(CancellationToken cancel)
    {
        Task<WebSocketConnection?> signal;
        lock (gate) signal = connected.Task;
        return await signal.WaitAsync(cancel).ConfigureAwait(false)
            ?? throw closedBecause ?? new ObjectDisposedException(nameof(ConfabSocket));
    }
}
