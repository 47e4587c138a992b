namespace Confab.Server.Realtime;

/// <summary>
/// The upgraded connection under a socket, shared by two writers: the WebSocket, which writes its control frames
/// (pings, pongs, the close) one frame per write, and the connection's writer, which frames its text messages itself
/// and writes all that queued for the socket in one go. Writes take turns, so frames never interleave; reads pass through.
/// </summary>
public sealed class SharedSocketStream(Stream transport) : Stream
{
    private readonly SemaphoreSlim turn = new(1, 1);

    public override bool CanRead => true;
    public override bool CanWrite => true;
    public override bool CanSeek => false;

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        transport.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        transport.ReadAsync(buffer, offset, count, cancellationToken);

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await turn.WaitAsync(cancellationToken);
        try
        {
            await transport.WriteAsync(buffer, cancellationToken);
        }
        finally
        {
            turn.Release();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await turn.WaitAsync(cancellationToken);
        try
        {
            await transport.FlushAsync(cancellationToken);
        }
        finally
        {
            turn.Release();
        }
    }

    public override void Flush() => throw new NotSupportedException("The socket's stream is flushed asynchronously.");

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("The socket's stream is read asynchronously.");

    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("The socket's stream is written asynchronously.");

    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) transport.Dispose();
        base.Dispose(disposing);
    }
}
