using System.Net.Http;
using System.Net.WebSockets;

namespace Confab.Bench.Load;

public delegate void FrameHandler(ReadOnlySpan<byte> frame);

/// <summary>
/// A bare <see cref="ClientWebSocket"/> with small buffers, cheaper than the SDK's socket: connects, waits for the
/// server's <c>ready</c> frame (so it counts only authenticated sockets), then hands every frame, as bytes in a
/// reused buffer, to a handler. Sends are serialised (a WebSocket takes one send at a time).
/// </summary>
public sealed class RawSocket : IAsyncDisposable
{
    /// <summary>One handler for every socket's upgrade request, so each socket costs no more than its connection.</summary>
    private static readonly HttpMessageInvoker SharedInvoker = new(new SocketsHttpHandler { UseCookies = false });

    private readonly ClientWebSocket socket;
    private readonly SemaphoreSlim sending = new(1, 1);
    private byte[] buffer;
    private Task reading = Task.CompletedTask;

    private RawSocket(ClientWebSocket socket, int bufferSize)
    {
        this.socket = socket;
        buffer = new byte[bufferSize];
    }

    /// <summary>The seq of the <c>ready</c> frame: where a Confab socket's stream starts.</summary>
    public long ReadySeq { get; private set; }

    public static async Task<RawSocket> ConnectAsync(Uri uri, int bufferSize, CancellationToken cancel = default)
    {
        var client = new ClientWebSocket();
        client.Options.SetBuffer(bufferSize, bufferSize);
        client.Options.KeepAliveInterval = TimeSpan.Zero;
        var socket = new RawSocket(client, bufferSize);
        try
        {
            await client.ConnectAsync(uri, SharedInvoker, cancel);
            var length = await socket.ReceiveFrameAsync(cancel)
                ?? throw new WebSocketException("The server closed the socket before its ready frame.");
            var first = socket.buffer.AsSpan(0, length);
            if (!FrameScan.IsType(first, FrameScan.Ready))
                throw new WebSocketException($"Expected a ready frame, got: {System.Text.Encoding.UTF8.GetString(first)}");
            socket.ReadySeq = FrameScan.Seq(first) ?? 0;
        }
        catch
        {
            client.Dispose();
            throw;
        }
        return socket;
    }

    /// <summary>Reads every further frame in the background and gives it to <paramref name="onFrame"/>.</summary>
    public void StartReading(FrameHandler onFrame) => reading = ReadAsync(onFrame);

    public async Task SendAsync(ReadOnlyMemory<byte> frame)
    {
        await sending.WaitAsync();
        try
        {
            await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        }
        finally
        {
            sending.Release();
        }
    }

    private async Task ReadAsync(FrameHandler onFrame)
    {
        try
        {
            while (await ReceiveFrameAsync(CancellationToken.None) is { } length) onFrame(buffer.AsSpan(0, length));
        }
        catch (WebSocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One whole frame into the buffer (grown when a frame does not fit); its length, or null once closed.</summary>
    private async ValueTask<int?> ReceiveFrameAsync(CancellationToken cancel)
    {
        var filled = 0;
        while (true)
        {
            if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
            var result = await socket.ReceiveAsync(buffer.AsMemory(filled), cancel);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            filled += result.Count;
            if (result.EndOfMessage) return filled;
        }
    }

    /// <summary>Drops the connection at once, as a lost network would.</summary>
    public async ValueTask DisposeAsync()
    {
        socket.Abort();
        await reading;
        socket.Dispose();
        sending.Dispose();
    }
}
