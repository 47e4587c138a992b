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
    /// <summary>
    /// Most frames fit; a bigger one moves to twice the room at a time. Renting room for the largest frame up front
    /// took 128 KiB arrays, which the shared pool keeps only a few of: with a hundred requests waiting for the writer,
    /// the rest were new arrays on the large object heap, and the collections of it stalled the server (bench chatmix).
    /// </summary>
    private const int FirstBufferBytes = 4 * 1024;

    public static async Task<ClientFrame> ReceiveAsync(WebSocket socket, CancellationToken cancel)
    {
        var arrived = await socket.ReceiveAsync(Memory<byte>.Empty, cancel);
        if (arrived.EndOfMessage || arrived.MessageType == WebSocketMessageType.Close) return new ClientFrame(null, 0, arrived.MessageType);

        var buffer = ArrayPool<byte>.Shared.Rent(FirstBufferBytes);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length) buffer = Grown(buffer, length);
                var result = await socket.ReceiveAsync(buffer.AsMemory(length), cancel);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return new ClientFrame(null, 0, WebSocketMessageType.Close);
                }
                length += result.Count;
                if (result.EndOfMessage || length > SocketEndpoint.MaxFrameBytes) return new ClientFrame(buffer, length, result.MessageType);
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    /// <summary>A full buffer's contents in one of twice the room, asked for up to one byte past the largest frame (the pool may hand over more), the old one returned.</summary>
    private static byte[] Grown(byte[] buffer, int length)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, SocketEndpoint.MaxFrameBytes + 1));
        buffer.AsSpan(0, length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(buffer);
        return bigger;
    }
}
