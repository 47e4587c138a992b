using System.Buffers;
using System.Net.WebSockets;

namespace Confab.Server.Realtime;

/// <summary>One whole frame from the client, in a buffer rented from the shared pool until disposed.</summary>
public readonly struct ClientFrame(byte[]? buffer, int length, WebSocketMessageType kind) : IDisposable
{
    public WebSocketMessageType Kind { get; } = kind;

    /// <summary>Past <see cref="SocketEndpoint.MaxFrameBytes"/>: the rest of the frame was not read.</summary>
    public bool TooBig => length > SocketEndpoint.MaxFrameBytes;

    public ReadOnlyMemory<byte> Data => buffer is null ? ReadOnlyMemory<byte>.Empty : buffer.AsMemory(0, length);

    public void Dispose()
    {
        if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer);
    }
}

/// <summary>
/// Reads client frames without holding a buffer while the socket is idle: a zero-byte receive waits for the
/// next frame to arrive, and only then is a buffer rented, for as long as the frame is being read and handled.
/// An idle socket so costs no receive buffer at all.
/// </summary>
public static class ClientFrames
{
    public static async Task<ClientFrame> ReceiveAsync(WebSocket socket, CancellationToken cancel)
    {
        var arrived = await socket.ReceiveAsync(Memory<byte>.Empty, cancel);
        if (arrived.EndOfMessage || arrived.MessageType == WebSocketMessageType.Close) return new ClientFrame(null, 0, arrived.MessageType);

        var buffer = ArrayPool<byte>.Shared.Rent(SocketEndpoint.MaxFrameBytes + 1);
        try
        {
            var length = 0;
            while (true)
            {
                var room = buffer.Length - length;
                var result = await socket.ReceiveAsync(room > 0 ? buffer.AsMemory(length, room) : buffer.AsMemory(buffer.Length - 1, 1), cancel);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return new ClientFrame(null, 0, WebSocketMessageType.Close);
                }
                length = Math.Min(length + result.Count, buffer.Length);
                if (result.EndOfMessage || length > SocketEndpoint.MaxFrameBytes) return new ClientFrame(buffer, length, result.MessageType);
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }
}
