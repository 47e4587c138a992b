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

    private readonly Channel<byte[]> outbound = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(OutboundCapacity) { SingleReader = true });
    private readonly CancellationTokenSource closing = new();
    private readonly Lock gate = new();
    private List<(long Seq, byte[] Frame)>? held = [];
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

    /// <summary>Holds live durable events while a resume replays the log after <paramref name="seenThrough"/>, which the client already has.</summary>
    public void Hold(long seenThrough)
    {
        lock (gate)
        {
            held ??= [];
            lastSentSeq = Math.Max(lastSentSeq, seenThrough);
        }
    }

    /// <summary>Sends a replayed event, waiting for room in the queue (the connection is held meanwhile).</summary>
    public async Task ReplayAsync(long seq, byte[] frame)
    {
        lock (gate)
        {
            if (seq <= lastSentSeq) return;
            lastSentSeq = seq;
        }
        await outbound.Writer.WriteAsync(frame, closing.Token);
    }

    /// <summary>Sends what was held (skipping what a replay already sent) and goes live.</summary>
    public void Release()
    {
        lock (gate)
        {
            if (held is null) return;
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
    }

    /// <summary>Writes queued frames to the socket until the connection closes.</summary>
    public async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var frame in outbound.Reader.ReadAllAsync(closing.Token))
                await Socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, closing.Token);
        }
        catch (OperationCanceledException)
        {
        }
        catch (WebSocketException)
        {
            Close(WebSocketCloseStatus.EndpointUnavailable, "The socket failed.");
        }
    }

    public void Dispose() => closing.Dispose();
}
