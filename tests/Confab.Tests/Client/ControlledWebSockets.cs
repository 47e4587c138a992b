using System.Net.WebSockets;
using System.Text;

namespace Confab.Tests.Client;

/// <summary>
/// A WebSocket factory for <see cref="Confab.Client.ConfabSocketOptions.WebSocketFactory"/> that lets a test cut the
/// latest connection as a network failure would, swallow outgoing frames so they are never answered, and slow a
/// connection's first frame either way.
/// </summary>
public sealed class ControlledWebSockets
{
    private readonly List<ControlledWebSocket> opened = [];
    private readonly Lock gate = new();
    private TaskCompletionSource admitted = Admitted();

    /// <summary>Outgoing frames (as text) for which this is true are dropped instead of sent.</summary>
    public Func<string, bool> Swallow { get; set; } = _ => false;

    /// <summary>How long the first frame of a connection opened from now on (the server's ready) takes to reach the client, as on a slow link.</summary>
    public TimeSpan FirstFrameDelay { get; set; }

    /// <summary>How long the first frame the client sends on the next connection opened (its resume) takes to reach the server; that connection only.</summary>
    public TimeSpan NextFirstSendDelay { get; set; }

    public int OpenedCount
    {
        get { lock (gate) return opened.Count; }
    }

    public ControlledWebSocket Latest
    {
        get { lock (gate) return opened[^1]; }
    }

    public async Task<WebSocket> ConnectAsync(Uri address, CancellationToken cancel)
    {
        Task admission;
        lock (gate) admission = admitted.Task;
        await admission.WaitAsync(cancel);
        var inner = new ClientWebSocket();
        try
        {
            await inner.ConnectAsync(address, cancel);
        }
        catch
        {
            inner.Dispose();
            throw;
        }
        var socket = new ControlledWebSocket(inner, text => Swallow(text), FirstFrameDelay, NextFirstSendDelay);
        NextFirstSendDelay = TimeSpan.Zero;
        lock (gate) opened.Add(socket);
        return socket;
    }

    /// <summary>Aborts the latest connection: no close handshake, as when the network drops.</summary>
    public void DropLatest() => Latest.Abort();

    /// <summary>Makes new connections wait (the network is down) until <see cref="Release"/>.</summary>
    public void Hold()
    {
        lock (gate) admitted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void Release()
    {
        lock (gate) admitted.TrySetResult();
    }

    private static TaskCompletionSource Admitted()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }
}

public sealed class ControlledWebSocket(ClientWebSocket inner, Func<string, bool> swallow, TimeSpan firstFrameDelay, TimeSpan firstSendDelay) : WebSocket
{
    private int received;
    private int sent;

    public override WebSocketCloseStatus? CloseStatus => inner.CloseStatus;
    public override string? CloseStatusDescription => inner.CloseStatusDescription;
    public override WebSocketState State => inner.State;
    public override string? SubProtocol => inner.SubProtocol;

    public override void Abort() => inner.Abort();

    public override Task CloseAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        inner.CloseAsync(closeStatus, statusDescription, cancellationToken);

    public override Task CloseOutputAsync(WebSocketCloseStatus closeStatus, string? statusDescription, CancellationToken cancellationToken) =>
        inner.CloseOutputAsync(closeStatus, statusDescription, cancellationToken);

    public override async Task<WebSocketReceiveResult> ReceiveAsync(ArraySegment<byte> buffer, CancellationToken cancellationToken)
    {
        await DelayFirstAsync(cancellationToken);
        return await inner.ReceiveAsync(buffer, cancellationToken);
    }

    public override async ValueTask<ValueWebSocketReceiveResult> ReceiveAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        await DelayFirstAsync(cancellationToken);
        return await inner.ReceiveAsync(buffer, cancellationToken);
    }

    private Task DelayFirstAsync(CancellationToken cancellationToken) => DelayFirstCall(ref received, firstFrameDelay, cancellationToken);

    public override async Task SendAsync(ArraySegment<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        await DelayFirstSendAsync(cancellationToken);
        if (!swallow(Encoding.UTF8.GetString(buffer))) await inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);
    }

    public override async ValueTask SendAsync(ReadOnlyMemory<byte> buffer, WebSocketMessageType messageType, bool endOfMessage, CancellationToken cancellationToken)
    {
        await DelayFirstSendAsync(cancellationToken);
        if (!swallow(Encoding.UTF8.GetString(buffer.Span))) await inner.SendAsync(buffer, messageType, endOfMessage, cancellationToken);
    }

    private Task DelayFirstSendAsync(CancellationToken cancellationToken) => DelayFirstCall(ref sent, firstSendDelay, cancellationToken);

    /// <summary>Waits <paramref name="delay"/> on the first of the calls <paramref name="calls"/> counts, not after.</summary>
    private static Task DelayFirstCall(ref int calls, TimeSpan delay, CancellationToken cancellationToken) =>
        Interlocked.Increment(ref calls) == 1 && delay > TimeSpan.Zero ? Task.Delay(delay, cancellationToken) : Task.CompletedTask;

    public override void Dispose() => inner.Dispose();
}
