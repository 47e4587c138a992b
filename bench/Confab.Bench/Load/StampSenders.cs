using System.Diagnostics;
using Confab.Bench.Hosting;

namespace Confab.Bench.Load;

/// <summary>
/// A few sender sockets that send stamped messages into one room at a paced rate, round robin: on Confab as
/// <c>message.send</c> requests (counting their acks and errors), on the ceiling as the frame to relay.
/// Sending over the socket costs the server less than REST (no HTTP request per message), so fanout uses it.
/// </summary>
public sealed class StampSenders
{
    private readonly ServerUnderTest server;
    private readonly string? conversationId;
    private RawSocket[] sockets = [];
    private long nextRequestId;
    private long errors;

    private StampSenders(ServerUnderTest server, string? conversationId)
    {
        this.server = server;
        this.conversationId = conversationId;
    }

    public long Errors => Interlocked.Read(ref errors);

    /// <summary>Opens one sender socket per token (ceiling: per null) into <paramref name="conversationId"/> (ceiling: none).</summary>
    public static async Task<StampSenders> ConnectAsync(ServerUnderTest server, IReadOnlyList<string?> tokens, string? conversationId)
    {
        var senders = new StampSenders(server, conversationId);
        senders.sockets = (await SocketFleet.ConnectAsync(server, tokens, 16 * 1024, _ => senders.CountErrors, goLive: true)).All("senders");
        return senders;
    }

    /// <summary>Sends at <paramref name="perSecond"/> for <paramref name="duration"/>; returns how many were sent.</summary>
    public async Task<long> SendAsync(double perSecond, TimeSpan duration, int tag)
    {
        var clock = Stopwatch.StartNew();
        long sent = 0;
        while (clock.Elapsed < duration)
        {
            var due = (long)(perSecond * clock.Elapsed.TotalSeconds);
            var sends = new List<Task>();
            for (; sent < due; sent++) sends.Add(sockets[(int)(sent % sockets.Length)].SendAsync(NextFrame(tag)));
            await Task.WhenAll(sends);
            await Task.Delay(1);
        }
        return sent;
    }

    private byte[] NextFrame(int tag)
    {
        var text = Stamp.Text(tag);
        return server.SpeaksConfab
            ? ConfabFrames.MessageSend(ConfabFrames.RequestId(Interlocked.Increment(ref nextRequestId)), conversationId!, text)
            : ConfabFrames.CeilingMessage(text);
    }

    private void CountErrors(ReadOnlySpan<byte> frame)
    {
        if (FrameScan.IsType(frame, FrameScan.Error)) Interlocked.Increment(ref errors);
    }

    public Task CloseAsync() => SocketFleet.CloseAllAsync(sockets);
}
