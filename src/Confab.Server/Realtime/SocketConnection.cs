using System.Net.WebSockets;
using System.Threading.Channels;
using Confab.Server.Identity;

namespace Confab.Server.Realtime;

/// <summary>
/// One socket: a bounded outbound queue drained by one writer loop, so nothing that sends to it ever
/// waits on the network. Durable events carry the log position as <c>seq</c>; the connection never
/// sends a seq at or below the last one it sent, so replays and live delivery can overlap safely.
/// While the connection is held (until the client's first request, and during a resume) live durable
/// events wait in a bounded list; overflowing either closes the socket, and the client resumes.
/// </summary>
public sealed class SocketConnection(WebSocket socket, UserCaller caller, long sessionExpiresAt) : IDisposable
{
    public const int OutboundCapacity = 1024;
    public const int MaxHeldEvents = 10_000;

    /// <summary>A replay fills the queue only this far, leaving room for acks, typing and presence meanwhile.</summary>
    public const int ReplayShare = OutboundCapacity - 128;

    /// <summary>How long a closing socket may take to finish the close handshake before it is cut.</summary>
    public static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(3);

    private readonly Channel<byte[]> outbound = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(OutboundCapacity) { SingleReader = true });
    private readonly CancellationTokenSource closing = new();
    private readonly Lock gate = new();
    private List<(long Seq, byte[] Frame)>? held = [];
    private bool replaying;
    private long lastSentSeq;

    public UserCaller Caller { get; } = caller;
    public long SessionExpiresAt { get; } = sessionExpiresAt;
    public WebSocket Socket { get; } = socket;
    public CancellationToken Closing => closing.Token;
    public WebSocketCloseStatus? CloseStatus { get; private set; }
    public string? CloseReason { get; private set; }

    /// <summary>Queues a durable event from the dispatcher; never blocks.</summary>
    public void DeliverDurable(long seq, byte[] frame)
    {
        lock (gate)
        {
            if (held is not null)
            {
                held.Add((seq, frame));
                if (held.Count > MaxHeldEvents) Close(WebSocketCloseStatus.EndpointUnavailable, "Too many events while held; resume.");
                return;
            }
            if (seq <= lastSentSeq) return;
            lastSentSeq = seq;
        }
        Send(frame);
    }

    /// <summary>Queues an ephemeral event, an ack or an error; never blocks.</summary>
    public void Send(byte[] frame)
    {
        if (!outbound.Writer.TryWrite(frame)) Close((WebSocketCloseStatus)1013, "The client is not reading fast enough; resume.");
    }

    /// <summary>
    /// Starts a replay of the log after <paramref name="since"/>, which the client already has: live durable
    /// events are held until <see cref="EndReplay"/>, and nothing this connection already sent goes out again.
    /// </summary>
    public void BeginReplay(long since)
    {
        lock (gate)
        {
            held ??= [];
            replaying = true;
            lastSentSeq = Math.Max(lastSentSeq, since);
        }
    }

    /// <summary>Sends a replayed event once the queue has room below <see cref="ReplayShare"/>.</summary>
    public async Task ReplayAsync(long seq, byte[] frame)
    {
        lock (gate)
        {
            if (seq <= lastSentSeq) return;
            lastSentSeq = seq;
        }
        while (outbound.Reader.Count >= ReplayShare) await Task.Delay(1, closing.Token);
        await outbound.Writer.WriteAsync(frame, closing.Token);
    }

    public void EndReplay()
    {
        lock (gate) replaying = false;
        Release();
    }

    /// <summary>Ends the hold a new connection starts with (first request made, or grace passed), unless a replay is running.</summary>
    public void ReleaseInitialHold()
    {
        lock (gate)
        {
            if (replaying) return;
        }
        Release();
    }

    /// <summary>Sends what was held (skipping what a replay already sent) and goes live.</summary>
    private void Release()
    {
        lock (gate)
        {
            if (held is null || replaying) return;
            foreach (var (seq, frame) in held)
            {
                if (seq <= lastSentSeq) continue;
                lastSentSeq = seq;
                if (!outbound.Writer.TryWrite(frame))
                {
                    Close((WebSocketCloseStatus)1013, "The client is not reading fast enough; resume.");
                    break;
                }
            }
            held = null;
        }
    }

    /// <summary>
    /// Closes the connection with this status: the writer drops what is still queued and sends the close
    /// frame itself. Socket calls are never cancelled for it (a cancelled call aborts a .NET WebSocket
    /// without a close frame); only a peer that does not finish the handshake in time is cut off.
    /// </summary>
    public void Close(WebSocketCloseStatus status, string reason)
    {
        lock (gate)
        {
            if (CloseStatus is not null) return;
            CloseStatus = status;
            CloseReason = reason;
        }
        outbound.Writer.TryComplete();
        closing.Cancel();
        _ = CutOffAfterGraceAsync();
    }

    /// <summary>Writes queued frames to the socket until the connection closes, then sends the close frame.</summary>
    public async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var frame in outbound.Reader.ReadAllAsync())
            {
                if (CloseStatus is not null) break;
                await Socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }
            if (Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await Socket.CloseOutputAsync(CloseStatus ?? WebSocketCloseStatus.NormalClosure, CloseReason, CancellationToken.None);
        }
        catch (Exception error) when (error is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            Close(WebSocketCloseStatus.EndpointUnavailable, "The socket failed.");
        }
    }

    private async Task CutOffAfterGraceAsync()
    {
        await Task.Delay(CloseGrace);
        if (Socket.State is not (WebSocketState.Closed or WebSocketState.Aborted)) Socket.Abort();
    }

    public void Dispose() => closing.Dispose();
}
