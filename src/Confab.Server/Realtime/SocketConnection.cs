using System.Net.WebSockets;
using System.Threading.Channels;
using Confab.Server.Attachments;
using Confab.Server.Http;
using Confab.Server.Identity;

namespace Confab.Server.Realtime;

/// <summary>
/// One socket: a bounded outbound queue drained by one writer loop, so nothing that sends to it ever waits
/// on the network. Durable events carry their log position as <c>seq</c>, and the connection's stream is
/// gap-free and in order from the point it went live:
/// <list type="bullet">
/// <item>it starts held: nothing goes out before <see cref="Start"/> queues the <c>ready</c> frame, and
/// durable events wait until the first resume ends or <see cref="GoLive"/> starts the stream right after the
/// ready seq;</item>
/// <item>a resume replays the log after its <c>since</c> while live events wait, then sends what waited,
/// skipping what the replay already sent; a resume from before the point the stream went live would leave
/// a gap, so it is refused and the connection closes, and the client reconnects and resumes first.</item>
/// </list>
/// Every write to the queue happens under the lock, so the queue order is the seq order. Overflowing the
/// queue or the held list closes the socket with 1013; the client reconnects and resumes.
/// </summary>
public sealed class SocketConnection(WebSocket socket, UserCaller caller, long sessionExpiresAt, AttachmentLinks links, string baseUrl)
{
    public const int OutboundCapacity = 1024;
    public const int MaxHeldEvents = 10_000;

    /// <summary>A replay fills the queue only this far, leaving room for acks, typing and presence meanwhile.</summary>
    public const int ReplayShare = OutboundCapacity - 128;

    /// <summary>How long a closing socket may take to finish the close handshake before it is cut.</summary>
    public static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(3);

    private const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    // An idle writer loop resumes on the thread that queues the frame (synchronous continuations), so a frame costs
    // no thread-pool hop: one event for a thousand sockets is one work item instead of a thousand queued ahead of the
    // commits and dispatches after it. The loop still yields at the first write that has to wait for the network, so
    // the queuing thread never waits on a client; it does hold this connection's lock for a write into Kestrel's buffer.
    // Completing the channel (Close) likewise sends the close frame on the closing thread.
    private readonly Channel<byte[]> outbound = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(OutboundCapacity)
    {
        SingleReader = true,
        AllowSynchronousContinuations = true,
    });
    // A task rather than a cancellation token: it costs each socket two small objects instead of a token source and its registrations.
    private readonly TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock gate = new();
    private List<byte[]>? beforeStart = [];
    private List<(long Seq, byte[] Frame)>? held = [];
    private long readySeq;
    private long? liveFrom;
    private bool replaying;
    private long lastSentSeq;

    public UserCaller Caller { get; } = caller;

    /// <summary>Where this client reaches the server, for the attachment URLs it is sent.</summary>
    public string BaseUrl { get; } = baseUrl;
    public long SessionExpiresAt { get; } = sessionExpiresAt;
    public WebSocket Socket { get; } = socket;
    /// <summary>Completes when the connection starts closing.</summary>
    public Task Closed => closed.Task;
    public WebSocketCloseStatus? CloseStatus { get; private set; }
    public string? CloseReason { get; private set; }

    /// <summary>The frame with its attachment tokens resolved into fresh URLs for this connection's user.</summary>
    public byte[] ForMe(byte[] frame) => links.Resolve(frame, Caller.TenantId, Caller.UserId, BaseUrl);

    /// <summary>A frame prepared for many receivers, completed for this connection's user.</summary>
    public byte[] ForMe(PersonalFrame frame) => frame.For(Caller.UserId, BaseUrl);

    /// <summary>Queues <c>ready</c> as the first frame, then whatever ephemeral frames came before it.</summary>
    public void Start(byte[] readyFrame, long seq)
    {
        bool overflow;
        lock (gate)
        {
            readySeq = seq;
            overflow = !outbound.Writer.TryWrite(readyFrame) || !beforeStart!.All(outbound.Writer.TryWrite);
            beforeStart = null;
        }
        if (overflow) Close(TryAgainLater, "The client is not reading fast enough; resume.");
    }

    /// <summary>Queues a durable event from the dispatcher; never blocks.</summary>
    public void DeliverDurable(long seq, byte[] frame)
    {
        bool overflow;
        lock (gate)
        {
            if (held is not null)
            {
                held.Add((seq, frame));
                overflow = held.Count > MaxHeldEvents;
            }
            else
            {
                if (seq <= lastSentSeq) return;
                lastSentSeq = seq;
                overflow = !outbound.Writer.TryWrite(frame);
            }
        }
        if (overflow) Close(TryAgainLater, "The client is not reading fast enough; resume.");
    }

    /// <summary>Queues an ephemeral event, an ack or an error; never blocks.</summary>
    public void Send(byte[] frame)
    {
        bool overflow;
        lock (gate)
        {
            if (beforeStart is not null)
            {
                beforeStart.Add(frame);
                return;
            }
            overflow = !outbound.Writer.TryWrite(frame);
        }
        if (overflow) Close(TryAgainLater, "The client is not reading fast enough; resume.");
    }

    /// <summary>Starts a resume from <paramref name="since"/>: live durable events are held until <see cref="EndReplay"/>.</summary>
    public void BeginReplay(long since)
    {
        lock (gate)
        {
            if (liveFrom is { } from && since < from)
                throw ApiException.Conflict(ErrorCodes.ResumeGap,
                    $"This socket's stream began after {from}; reconnect and resume from {since} as the first request.");
            held ??= [];
            replaying = true;
        }
    }

    /// <summary>The log could be read after <paramref name="since"/>: the stream goes on from there, and nothing this connection already sent goes out again.</summary>
    public void ReplayFrom(long since)
    {
        lock (gate)
        {
            liveFrom ??= since;
            lastSentSeq = Math.Max(lastSentSeq, since);
        }
    }

    /// <summary>The client must resync: the stream restarts right after <paramref name="position"/>.</summary>
    public void RestartAfter(long position)
    {
        lock (gate)
        {
            liveFrom = Math.Max(liveFrom ?? 0, position);
            lastSentSeq = Math.Max(lastSentSeq, position);
        }
    }

    /// <summary>Sends a replayed event once the queue has room below <see cref="ReplayShare"/>.</summary>
    public async Task ReplayAsync(long seq, byte[] frame)
    {
        while (outbound.Reader.Count >= ReplayShare)
        {
            if (Closed.IsCompleted) throw new OperationCanceledException("The connection closed during the replay.");
            await Task.Delay(1);
        }
        lock (gate)
        {
            if (seq <= lastSentSeq) return;
            lastSentSeq = seq;
            if (outbound.Writer.TryWrite(frame)) return;
        }
        Close(TryAgainLater, "The client is not reading fast enough; resume.");
    }

    /// <summary>Ends a replay: what waited meanwhile goes out (past what the replay sent) and the stream is live.</summary>
    public void EndReplay()
    {
        lock (gate) replaying = false;
        Flush();
    }

    /// <summary>
    /// Goes live without a replay (the first request was not a resume, or none came in time): the stream
    /// starts right after the ready seq. Does nothing while a replay runs or once live.
    /// </summary>
    public void GoLive()
    {
        lock (gate)
        {
            if (replaying || liveFrom is not null) return;
            liveFrom = readySeq;
            lastSentSeq = Math.Max(lastSentSeq, readySeq);
        }
        Flush();
    }

    private void Flush()
    {
        var overflow = false;
        lock (gate)
        {
            if (held is null || replaying) return;
            foreach (var (seq, frame) in held.Where(h => h.Seq > lastSentSeq))
            {
                lastSentSeq = seq;
                if (!outbound.Writer.TryWrite(frame))
                {
                    overflow = true;
                    break;
                }
            }
            held = null;
        }
        if (overflow) Close(TryAgainLater, "The client is not reading fast enough; resume.");
    }

    /// <summary>
    /// Closes the connection with this status: the writer sends what is already queued (an error explaining
    /// the close, say) and then the close frame. Socket calls are never cancelled for it (a cancelled call aborts a .NET WebSocket
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
        closed.TrySetResult();
        _ = CutOffAfterGraceAsync();
    }

    /// <summary>Writes queued frames to the socket until the connection closes, then sends the close frame.</summary>
    public async Task WriteLoopAsync()
    {
        try
        {
            // Drains whatever is queued per wake-up (one frame, usually, when resumed inline); the ValueTask send allocates nothing per frame.
            var queued = outbound.Reader;
            while (await queued.WaitToReadAsync())
            {
                while (queued.TryRead(out var frame))
                    await Socket.SendAsync(frame.AsMemory(), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            }
            if (Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await Socket.CloseOutputAsync(CloseStatus ?? WebSocketCloseStatus.NormalClosure, CloseReason, CancellationToken.None);
        }
        catch (Exception error) when (error is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            // Not inline: this loop may be running on a thread that queued a frame and holds this connection's lock,
            // and closing starts the connection's whole teardown.
            ThreadPool.UnsafeQueueUserWorkItem(static connection => connection.Close(WebSocketCloseStatus.EndpointUnavailable, "The socket failed."),
                this, preferLocal: false);
        }
    }

    private async Task CutOffAfterGraceAsync()
    {
        await Task.Delay(CloseGrace);
        if (Socket.State is not (WebSocketState.Closed or WebSocketState.Aborted)) Socket.Abort();
    }
}
