using System.Buffers;
using System.Net.WebSockets;
using Confab.Server.Attachments;
using Confab.Server.Http;
using Confab.Server.Identity;

namespace Confab.Server.Realtime;

/// <summary>
/// One socket: a bounded outbound queue and one writer at a time, so nothing that sends to it ever waits on the
/// network. Durable events carry their log position as <c>seq</c>, and the connection's stream is gap-free and in
/// order from the point it went live:
/// <list type="bullet">
/// <item>it starts held: nothing goes out before <see cref="Start"/> queues the <c>ready</c> frame, and
/// durable events wait until the first resume ends or <see cref="GoLive"/> starts the stream right after the
/// ready seq;</item>
/// <item>a resume replays the log after its <c>since</c> while live events wait, then sends what waited,
/// skipping what the replay already sent; a resume from before the point the stream went live is served while
/// no durable event went out live yet, and once one did it would leave a gap, so it is refused and the
/// connection closes, and the client reconnects and resumes first.</item>
/// </list>
/// Every write to the queue happens under the lock, so the queue order is the seq order. Overflowing the
/// queue or the held list closes the socket with 1013; the client reconnects and resumes.
/// </summary>
/// <remarks>
/// The writer runs on the thread that queued a frame (no thread-pool hop: one event for a thousand sockets is one
/// work item, not a thousand queued ahead of the commits and dispatches after it) until a write has to wait for the
/// network. It frames the text messages itself and writes everything queued in one write to the connection, so the
/// frames of one dispatcher read, or those that queued while the network was slow, cost one write instead of one each.
/// </remarks>
public sealed class SocketConnection(WebSocket socket, SharedSocketStream transport, UserCaller caller, long sessionExpiresAt, AttachmentLinks links, string baseUrl)
{
    public const int OutboundCapacity = 1024;
    public const int MaxHeldEvents = 10_000;

    /// <summary>A replay fills the queue only this far, leaving room for acks, typing and presence meanwhile.</summary>
    public const int ReplayShare = OutboundCapacity - 128;

    /// <summary>How long a closing socket may take to finish the close handshake before it is cut.</summary>
    public static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(3);

    private const WebSocketCloseStatus TryAgainLater = (WebSocketCloseStatus)1013;

    /// <summary>The most one write to the connection carries (a bigger frame goes alone), so the buffers stay small and pooled.</summary>
    private const int WriteChunkBytes = 64 * 1024;

    /// <summary>Room kept in the spare queue once written; the list a burst grew is let go rather than held by an idle socket.</summary>
    private const int KeptQueueCapacity = 16;

    // A task rather than a cancellation token: it costs each socket two small objects instead of a token source and its registrations.
    private readonly TaskCompletionSource closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource written = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock gate = new();
    private List<byte[]> queued = [];
    private List<byte[]>? spare;
    private bool writing;
    /// <summary>Frames the writer took and has not finished writing; they count against <see cref="OutboundCapacity"/> too.</summary>
    private int inFlight;
    private List<byte[]>? beforeStart = [];
    private List<(long Seq, byte[] Frame)>? held = [];
    private long readySeq;
    private long? liveFrom;
    private bool replaying;
    private long lastSentSeq;
    /// <summary>Whether any durable event was queued to go out: from then on the stream cannot begin earlier.</summary>
    private bool sentDurable;

    public UserCaller Caller { get; } = caller;

    /// <summary>Where this client reaches the server, for the attachment URLs it is sent.</summary>
    public string BaseUrl { get; } = baseUrl;
    public long SessionExpiresAt { get; } = sessionExpiresAt;
    public WebSocket Socket { get; } = socket;
    /// <summary>Completes when the connection starts closing.</summary>
    public Task Closed => closed.Task;

    /// <summary>Completes when the writer is done: the close frame went out after everything queued before it, or the socket failed.</summary>
    public Task Written => written.Task;
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
            overflow = !Enqueue(readyFrame) || !beforeStart!.All(Enqueue);
            beforeStart = null;
        }
        AfterQueueing(overflow);
    }

    /// <summary>Queues a durable event from the dispatcher without writing it yet: <see cref="SendQueued"/> does, once the socket has all of a read's frames.</summary>
    public void QueueDurable(long seq, byte[] frame)
    {
        bool overflow;
        lock (gate)
        {
            if (held is not null)
            {
                held.Add((seq, frame));
                overflow = held.Count > MaxHeldEvents;
            }
            else overflow = !EnqueueDurable(seq, frame);
        }
        if (overflow) Overflowed();
    }

    /// <summary>Writes what was queued, on this thread until the network makes it wait; never blocks.</summary>
    public void SendQueued()
    {
        lock (gate)
        {
            if (writing) return;
            writing = true;
        }
        _ = WriteQueuedAsync();
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
            overflow = !Enqueue(frame);
        }
        AfterQueueing(overflow);
    }

    /// <summary>Starts a resume from <paramref name="since"/>: live durable events are held until <see cref="EndReplay"/>.</summary>
    public void BeginReplay(long since)
    {
        lock (gate)
        {
            if (liveFrom is { } from && since < from)
            {
                if (sentDurable)
                    throw ApiException.Conflict(ErrorCodes.ResumeGap,
                        $"This socket's stream began after {from}; reconnect and resume from {since} as the first request.");
                // Live, but no durable event went out yet: the stream can begin at since instead, whole and in order.
                liveFrom = since;
                lastSentSeq = since;
            }
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

    /// <summary>
    /// Queues a replayed event once the queue has room below <see cref="ReplayShare"/>. It is written with the others
    /// of its read at <see cref="SendQueued"/>, or as soon as the queue fills that far.
    /// </summary>
    public async Task QueueReplayedAsync(long seq, byte[] frame)
    {
        while (QueuedCount >= ReplayShare)
        {
            SendQueued();
            if (Closed.IsCompleted) throw new OperationCanceledException("The connection closed during the replay.");
            await Task.Delay(1);
        }
        bool overflow;
        lock (gate) overflow = !EnqueueDurable(seq, frame);
        if (overflow) Overflowed();
    }

    /// <summary>Ends a replay: what waited meanwhile goes out (past what the replay sent) and the stream is live.</summary>
    public void EndReplay()
    {
        lock (gate) replaying = false;
        ReleaseHeld();
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
        ReleaseHeld();
    }

    private void ReleaseHeld()
    {
        var overflow = false;
        lock (gate)
        {
            if (held is null || replaying) return;
            foreach (var (seq, frame) in held)
            {
                if (!EnqueueDurable(seq, frame))
                {
                    overflow = true;
                    break;
                }
            }
            held = null;
        }
        AfterQueueing(overflow);
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
        closed.TrySetResult();
        SendQueued();
        _ = CutOffAfterGraceAsync();
    }

    private int QueuedCount
    {
        get
        {
            lock (gate) return queued.Count + inFlight;
        }
    }

    /// <summary>Adds a frame to the queue (under the lock); false when it is full. Once closing, frames are dropped.</summary>
    private bool Enqueue(byte[] frame)
    {
        if (CloseStatus is not null) return true;
        if (queued.Count + inFlight >= OutboundCapacity) return false;
        queued.Add(frame);
        return true;
    }

    /// <summary>Queues a durable frame past the last one queued (under the lock), skipping one already sent; false when the queue is full.</summary>
    private bool EnqueueDurable(long seq, byte[] frame)
    {
        if (seq <= lastSentSeq) return true;
        lastSentSeq = seq;
        sentDurable = true;
        return Enqueue(frame);
    }

    private void AfterQueueing(bool overflow)
    {
        if (overflow) Overflowed();
        else SendQueued();
    }

    private void Overflowed() => Close(TryAgainLater, "The client is not reading fast enough; resume.");

    /// <summary>
    /// The one writer: takes everything queued and writes it, until the queue is empty; once closing, sends the
    /// close frame after the last of it. Socket calls are never cancelled (a cancelled call aborts a .NET WebSocket
    /// without a close frame).
    /// </summary>
    private async Task WriteQueuedAsync()
    {
        var idle = false;
        try
        {
            while (true)
            {
                List<byte[]> batch;
                lock (gate)
                {
                    if (queued.Count == 0)
                    {
                        if (CloseStatus is null)
                        {
                            writing = false;
                            idle = true;
                            return;
                        }
                        break;
                    }
                    batch = queued;
                    inFlight = batch.Count;
                    queued = spare ?? [];
                    spare = null;
                }
                await WriteFramesAsync(batch);
                batch.Clear();
                lock (gate)
                {
                    inFlight = 0;
                    if (batch.Capacity <= KeptQueueCapacity) spare = batch;
                }
            }
            if (Socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                await Socket.CloseOutputAsync(CloseStatus ?? WebSocketCloseStatus.NormalClosure, CloseReason, CancellationToken.None);
        }
        catch (Exception)
        {
            // Whatever failed, this socket can no longer be written. Not closed inline: this may run on a thread that is
            // handing out a dispatcher read, and closing starts the connection's whole teardown.
            ThreadPool.UnsafeQueueUserWorkItem(static connection => connection.Close(WebSocketCloseStatus.EndpointUnavailable, "The socket failed."),
                this, preferLocal: false);
        }
        finally
        {
            // Done for good once the close frame went out or a write failed; an idle writer only waits for the next frame.
            if (!idle) written.TrySetResult();
        }
    }

    /// <summary>Frames the messages and writes them to the connection, as few writes as <see cref="WriteChunkBytes"/> allows.</summary>
    private async Task WriteFramesAsync(List<byte[]> frames)
    {
        var next = 0;
        while (next < frames.Count)
        {
            var first = next;
            var size = frames[next++].Length + TextFrames.MaxHeaderBytes;
            while (next < frames.Count && size + frames[next].Length + TextFrames.MaxHeaderBytes <= WriteChunkBytes)
                size += frames[next++].Length + TextFrames.MaxHeaderBytes;
            var buffer = ArrayPool<byte>.Shared.Rent(size);
            try
            {
                var length = 0;
                for (var i = first; i < next; i++) length += TextFrames.Write(buffer.AsSpan(length), frames[i]);
                await transport.WriteAsync(buffer.AsMemory(0, length));
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    // Aborting the WebSocket aborts the request under it (ASP.NET Core's WebSocket middleware wraps the stream so): the
    // TCP connection of an HTTP/1.1 socket, only this stream of an HTTP/2 one. Either way a write stuck on it returns.
    private async Task CutOffAfterGraceAsync()
    {
        await Task.Delay(CloseGrace);
        if (Socket.State is not (WebSocketState.Closed or WebSocketState.Aborted)) Socket.Abort();
    }
}
