using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Confab.Bench.Hosting;

/// <summary>
/// The ceiling: the least a WebSocket broadcast server on Kestrel can do. No auth, no storage, no JSON: every
/// message a client sends is written as it is to every connected socket, each through its own bounded queue
/// and writer loop. Confab's socket figures are read as ratios to this one's on the same machine.
/// Run as the hidden scenario <c>ceiling-server --port N</c>, in its own pinned process.
/// </summary>
public static class CeilingServer
{
    public const string ScenarioName = "ceiling-server";
    public const string SocketPath = "/socket";
    public const string ReadyPath = "/healthz";

    private const int QueueLength = 4096;
    private static readonly byte[] ReadyFrame = """{"type":"ready","payload":{"seq":0}}"""u8.ToArray();

    public static async Task RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.UseWebSockets();
        var peers = new ConcurrentDictionary<Channel<byte[]>, byte>();
        app.MapGet(ReadyPath, () => "ok");
        app.Map(SocketPath, async context =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                return;
            }
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var outbound = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(QueueLength) { SingleReader = true });
            outbound.Writer.TryWrite(ReadyFrame);
            peers[outbound] = 0;
            var writing = WriteAsync(socket, outbound.Reader);
            try
            {
                await BroadcastWhatItSendsAsync(socket, peers);
            }
            finally
            {
                peers.TryRemove(outbound, out _);
                outbound.Writer.TryComplete();
                await writing;
            }
        });
        await app.RunAsync();
    }

    private static async Task BroadcastWhatItSendsAsync(WebSocket socket, ConcurrentDictionary<Channel<byte[]>, byte> peers)
    {
        var buffer = new byte[4096];
        var filled = 0;
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(filled), CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close) return;
                filled += result.Count;
                if (!result.EndOfMessage)
                {
                    if (filled == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                    continue;
                }
                var frame = buffer.AsSpan(0, filled).ToArray();
                filled = 0;
                foreach (var peer in peers.Keys)
                {
                    // A peer whose queue is full is too slow: it is dropped, as Confab drops it.
                    if (!peer.Writer.TryWrite(frame)) peer.Writer.TryComplete();
                }
            }
        }
        catch (WebSocketException)
        {
        }
    }

    private static async Task WriteAsync(WebSocket socket, ChannelReader<byte[]> outbound)
    {
        try
        {
            await foreach (var frame in outbound.ReadAllAsync())
                await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
            if (socket.State == WebSocketState.Open)
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
        }
        catch (WebSocketException)
        {
        }
    }
}
