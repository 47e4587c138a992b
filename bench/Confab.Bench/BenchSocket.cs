using System.Diagnostics;
using System.Globalization;

namespace Confab.Bench;

/// <summary>
/// One receiving client on the SDK's socket: records, for every <c>message.created</c> whose text is a
/// sender's timestamp, how long it took to arrive.
/// </summary>
public sealed class BenchSocket : IAsyncDisposable
{
    public const string StampPrefix = "stamp:";

    private readonly ConfabSocket socket;
    private readonly List<double> latencies = [];
    private readonly CancellationTokenSource stop = new();
    private Task? reader;
    private int received;

    private BenchSocket(ConfabSocket socket) => this.socket = socket;

    public int Received => Volatile.Read(ref received);

    public IReadOnlyList<double> Latencies => latencies;

    public static async Task<BenchSocket> ConnectAsync(Uri server, string token)
    {
        var client = new BenchSocket(new ConfabSocket(server, token));
        await client.socket.ConnectAsync();
        client.reader = client.ReadAsync();
        return client;
    }

    public static string Stamp() => StampPrefix + Stopwatch.GetTimestamp().ToString(CultureInfo.InvariantCulture);

    private async Task ReadAsync()
    {
        try
        {
            await foreach (var e in socket.ReadEventsAsync(stop.Token))
            {
                if (e.Type != EventTypes.MessageCreated) continue;
                var text = e.Payload.GetProperty("text").GetString();
                if (text is null || !text.StartsWith(StampPrefix, StringComparison.Ordinal)) continue;
                var sentAt = long.Parse(text.AsSpan(StampPrefix.Length), CultureInfo.InvariantCulture);
                lock (latencies) latencies.Add(Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds);
                Interlocked.Increment(ref received);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (reader is not null) await reader;
        await socket.DisposeAsync();
        stop.Dispose();
    }
}
