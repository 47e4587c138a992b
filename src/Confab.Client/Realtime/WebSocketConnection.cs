using System.Buffers;
using System.Net.WebSockets;

namespace Confab.Client;

/// <summary>One open WebSocket: whole frames in, one send at a time out, and a clean close.</summary>
internal sealed class WebSocketConnection(WebSocket socket) : IDisposable
{
    private const int ReceiveChunk = 16 * 1024;

    private readonly SemaphoreSlim sending = new(1, 1);
    private readonly ArrayBufferWriter<byte> received = new(ReceiveChunk);

    /// <summary>
    /// Sends one frame. <paramref name="waitCancel"/> only stops the wait for the socket: a send is never
    /// cancelled half-way, since that would abort the socket.
    /// </summary>
    public async Task SendAsync(byte[] frame, CancellationToken waitCancel)
    {
        await sending.WaitAsync(waitCancel).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            sending.Release();
        }
    }

    /// <summary>The next frame, or null once the server has closed the socket (the close is answered).</summary>
    public async Task<Frame?> ReceiveAsync(CancellationToken cancel)
    {
        received.ResetWrittenCount();
        while (true)
        {
            var result = await socket.ReceiveAsync(received.GetMemory(ReceiveChunk), cancel).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                await CloseAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
                return null;
            }
            received.Advance(result.Count);
            if (result.EndOfMessage) return Frame.Parse(received.WrittenMemory);
        }
    }

    /// <summary>
    /// Sends the close frame (or answers the server's) once no send is under way, waiting at most
    /// <paramref name="timeout"/> in all (then aborting); never throws.
    /// </summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived)) return;
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await sending.WaitAsync(limit.Token).ConfigureAwait(false);
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "Closed by the client.", limit.Token).ConfigureAwait(false);
            }
            finally
            {
                sending.Release();
            }
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            socket.Abort();
        }
    }

    public void Dispose()
    {
        socket.Dispose();
        sending.Dispose();
    }
}
