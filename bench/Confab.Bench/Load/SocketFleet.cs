using System.Diagnostics;
using Confab.Bench.Hosting;

namespace Confab.Bench.Load;

/// <summary>The outcome of opening many sockets: those that opened, how many failed and why, and how long it took.</summary>
public sealed record FleetConnect(RawSocket[] Sockets, int Failures, string? FirstError, double Seconds)
{
    public double ConnectsPerSecond => Sockets.Length / Seconds;

    /// <summary>The sockets, when every one connected: a scenario measured on fewer would not say what it claims.</summary>
    public RawSocket[] All(string what) =>
        Failures == 0 ? Sockets : throw new InvalidOperationException($"{Failures} {what} could not connect, first: {FirstError}");
}

/// <summary>Opens many <see cref="RawSocket"/>s to one server with a bounded number of connects in flight.</summary>
public static class SocketFleet
{
    private const int InFlight = 100;

    /// <summary>
    /// Opens one socket per token (for the ceiling, which takes no token, <paramref name="tokens"/> just counts them),
    /// gives each socket's frames to <paramref name="handlerOf"/>(index), and with <paramref name="goLive"/> on Confab
    /// sends <c>resume</c> from the ready seq so the socket's stream starts at once.
    /// </summary>
    public static async Task<FleetConnect> ConnectAsync(ServerUnderTest server, IReadOnlyList<string?> tokens, int bufferSize,
        Func<int, FrameHandler> handlerOf, bool goLive)
    {
        var sockets = new RawSocket?[tokens.Count];
        var failures = 0;
        string? firstError = null;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, tokens.Count), new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (i, cancel) =>
        {
            try
            {
                var socket = await RawSocket.ConnectAsync(server.SocketUri(tokens[i]), bufferSize, cancel);
                socket.StartReading(handlerOf(i));
                if (server.SpeaksConfab && goLive) await socket.SendAsync(ConfabFrames.Resume(socket.ReadySeq));
                sockets[i] = socket;
            }
            catch (Exception e) when (e is System.Net.WebSockets.WebSocketException or HttpRequestException or IOException)
            {
                if (Interlocked.Increment(ref failures) == 1) firstError = e.Message;
            }
        });
        var seconds = clock.Elapsed.TotalSeconds;
        return new FleetConnect([.. sockets.OfType<RawSocket>()], failures, firstError, seconds);
    }

    public static async Task CloseAllAsync(IEnumerable<RawSocket> sockets)
    {
        foreach (var socket in sockets) await socket.DisposeAsync();
    }
}
