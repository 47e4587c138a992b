using System.Threading.Channels;

namespace Confab.Client;

/// <summary>
/// The real-time socket of one user. It reconnects by itself with exponential backoff and jitter, and resumes
/// from the last durable seq it delivered (on the first connection, from the position the server reports), so
/// the app sees every durable event exactly once, in increasing seq order, across any number of reconnects.
/// Read events with <see cref="ReadEventsAsync"/>; fetch state over REST after <see cref="ConnectAsync"/> returns,
/// and apply the events from there. When the server can no longer replay what was missed, a
/// <see cref="EventTypes.ResyncRequired"/> event says to refetch.
/// </summary>
public sealed partial class ConfabSocket : IAsyncDisposable
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);

    private readonly ConfabSocketOptions options;
    private readonly SocketConnector connector;
    private readonly EventCursor cursor;
    private readonly PendingRequests pending = new();
    private readonly Channel<ConfabEvent> events = Channel.CreateUnbounded<ConfabEvent>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private TaskCompletionSource<WebSocketConnection?> connected = NewSignal();
    private WebSocketConnection? current;
    private Exception? closedBecause;
    private Task? loop;
    private int started;
    private int disposed;
    private volatile bool closing;
    private volatile ConfabSocketState state;

    /// <param name="baseAddress">The server's root URL (http, https, ws or wss).</param>
    /// <param name="sessionToken">The user's session token.</param>
    /// <param name="options">Timeouts, backoff and the WebSocket factory; defaults when null.</param>
    public ConfabSocket(Uri baseAddress, string sessionToken, ConfabSocketOptions? options = null)
        : this(baseAddress, _ => ValueTask.FromResult(sessionToken), options)
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionToken);
    }

    /// <param name="baseAddress">The server's root URL (http, https, ws or wss).</param>
    /// <param name="sessionToken">Gives the token for each connection, so a long-lived socket can use fresh ones.</param>
    /// <param name="options">Timeouts, backoff and the WebSocket factory; defaults when null.</param>
    public ConfabSocket(Uri baseAddress, Func<CancellationToken, ValueTask<string>> sessionToken, ConfabSocketOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        ArgumentNullException.ThrowIfNull(sessionToken);
        this.options = options ?? new ConfabSocketOptions();
        connector = new SocketConnector(baseAddress, sessionToken, this.options);
        if (this.options.ResumeAfterSeq < 0) throw new ArgumentOutOfRangeException(nameof(options), "ResumeAfterSeq must not be negative.");
        cursor = new EventCursor(this.options.ResumeAfterSeq);
    }

    /// <summary>Raised on a background thread at each change of <see cref="State"/>; keep handlers short. An exception thrown by one closes the socket.</summary>
    public event EventHandler<ConfabSocketState>? StateChanged;

    public ConfabSocketState State => state;

    /// <summary>The seq of the last durable event delivered; keep it to resume later (<see cref="ConfabSocketOptions.ResumeAfterSeq"/>).</summary>
    public long? LastSeq => cursor.Last;

    /// <summary>
    /// Opens the socket and waits until it has caught up. Fails when the first connection cannot be opened
    /// (a refused token is a <see cref="ConfabApiException"/> with status 401); once connected, drops are
    /// repaired in the background. Cancelling stops the wait, not the socket: dispose it to stop.
    /// </summary>
    public async Task ConnectAsync(CancellationToken cancel = default)
    {
        ObjectDisposedException.ThrowIf(closing, this);
        if (Interlocked.Exchange(ref started, 1) == 1) throw new InvalidOperationException("The socket is connected already.");
        SetState(ConfabSocketState.Connecting);
        WebSocketConnection first;
        try
        {
            first = await connector.OpenAsync(cancel).ConfigureAwait(false);
        }
        catch
        {
            SetState(ConfabSocketState.Disconnected);
            Volatile.Write(ref started, 0);
            throw;
        }
        loop = RunAsync(first);
        await WaitConnectedAsync(cancel).ConfigureAwait(false);
    }

    /// <summary>
    /// The events, in the order they arrived: durable ones (with <see cref="ConfabEvent.Seq"/>) once each in
    /// increasing seq, ephemeral ones (typing, presence, any other frame without a seq), and
    /// <see cref="EventTypes.ResyncRequired"/>. The durable events of a resume (the replay, and any live one the
    /// server sent before it read the resume) come once the resume is answered, so ephemeral ones that arrived
    /// meanwhile come before them.
    /// One reader at a time; events wait in memory until read. Ends when the socket is disposed, and throws the
    /// <see cref="ConfabApiException"/> (401) when the server refuses the token on a reconnect.
    /// </summary>
    public IAsyncEnumerable<ConfabEvent> ReadEventsAsync(CancellationToken cancel = default) => events.Reader.ReadAllAsync(cancel);

    /// <summary>Closes the connection cleanly, fails requests still waiting, and ends the event stream.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1) return;
        WebSocketConnection? open;
        lock (gate)
        {
            closing = true;
            open = current;
        }
        if (open is not null) await open.CloseAsync(CloseTimeout).ConfigureAwait(false);
        if (loop is null)
        {
            Finish(null);
        }
        else
        {
            if (open is null) await stopping.CancelAsync().ConfigureAwait(false);
            try
            {
                await loop.WaitAsync(CloseTimeout).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await stopping.CancelAsync().ConfigureAwait(false);
                await loop.ConfigureAwait(false);
            }
        }
        stopping.Dispose();
    }

    private void SetState(ConfabSocketState next)
    {
        if (state == next) return;
        state = next;
        StateChanged?.Invoke(this, next);
    }

    private static TaskCompletionSource<WebSocketConnection?> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
