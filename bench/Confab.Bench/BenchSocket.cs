using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Confab.Bench;

/// <summary>
/// One receiving client: connects, resumes from the ready position, and records for every
/// <c>message.created</c> whose text is a sender's timestamp how long it took to arrive.
/// </summary>
public sealed class BenchSocket : IAsyncDisposable
{
    public const string StampPrefix = "stamp:";

    private readonly ClientWebSocket socket = new();
    private readonly List<double> latencies = [];
    private readonly CancellationTokenSource stop = new();
    private Task? reader;

    public int Received { get; private set; }

    public IReadOnlyList<double> Latencies => latencies;

    public static async Task<BenchSocket> ConnectAsync(Uri server, string token)
    {
        var client = new BenchSocket();
        var address = new UriBuilder(server) { Scheme = "ws", Path = "/v1/socket", Query = $"token={token}" }.Uri;
        await client.socket.ConnectAsync(address, CancellationToken.None);
        var ready = await client.ReceiveJsonAsync();
        var since = ready.GetProperty("payload").GetProperty("seq").GetInt64();
        var resume = "{\"type\":\"resume\",\"payload\":{\"since\":" + since.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}";
        await client.socket.SendAsync(Encoding.UTF8.GetBytes(resume), WebSocketMessageType.Text, true, CancellationToken.None);
        client.reader = client.ReadAsync();
        return client;
    }

    private async Task ReadAsync()
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var frame = await ReceiveJsonAsync();
                if (frame.GetProperty("type").GetString() != "message.created") continue;
                var text = frame.GetProperty("payload").GetProperty("text").GetString();
                if (text is null || !text.StartsWith(StampPrefix, StringComparison.Ordinal)) continue;
                var sentAt = long.Parse(text.AsSpan(StampPrefix.Length), System.Globalization.CultureInfo.InvariantCulture);
                lock (latencies) latencies.Add(Stopwatch.GetElapsedTime(sentAt).TotalMilliseconds);
                Received++;
            }
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException)
        {
        }
    }

    private readonly byte[] buffer = new byte[64 * 1024];

    private async Task<JsonElement> ReceiveJsonAsync()
    {
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(length), stop.Token);
            if (result.MessageType == WebSocketMessageType.Close) throw new WebSocketException("The server closed the socket.");
            length += result.Count;
        }
        while (!result.EndOfMessage);
        using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
        return document.RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        if (reader is not null) await reader;
        socket.Abort();
        socket.Dispose();
        stop.Dispose();
    }
}
