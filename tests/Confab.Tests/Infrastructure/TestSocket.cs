using System.Net;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Confab.Tests.Infrastructure;

/// <summary>
/// A raw WebSocket client for protocol tests: frames it receives are queued so a test can wait for the
/// one it expects (with a timeout) and assert on the exact envelopes, in order.
/// </summary>
public sealed class TestSocket : IAsyncDisposable
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    private readonly ClientWebSocket socket = new();
    private readonly Channel<JsonElement> received = Channel.CreateUnbounded<JsonElement>();
    private readonly CancellationTokenSource stop = new();
    private Task? reader;
    private int nextRequest;
    private HttpMessageInvoker? http2;

    public WebSocketCloseStatus? CloseStatus => socket.CloseStatus;

    /// <summary>The handshake's status: 101 for an HTTP/1.1 upgrade, 200 for an HTTP/2 extended CONNECT.</summary>
    public HttpStatusCode HandshakeStatus => socket.HttpStatusCode;

    public static Task<TestSocket> ConnectAsync(ConfabServer server, string? token) => ConnectAsync(server.ClientOptions.BaseAddress, token);

    /// <summary>
    /// Connects to the server at <paramref name="baseAddress"/> (a test server, or a node process); with
    /// <paramref name="http2"/>, as an HTTP/2 WebSocket (RFC 8441), which browsers open wherever the server speaks HTTP/2.
    /// </summary>
    public static async Task<TestSocket> ConnectAsync(Uri baseAddress, string? token, bool http2 = false)
    {
        var client = new TestSocket();
        var address = new UriBuilder(baseAddress) { Scheme = "ws", Path = "/v1/socket", Query = token is null ? "" : $"token={Uri.EscapeDataString(token)}" };
        client.socket.Options.CollectHttpResponseDetails = true;
        if (http2)
        {
            client.socket.Options.HttpVersion = HttpVersion.Version20;
            client.socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
            await client.socket.ConnectAsync(address.Uri, client.http2 = new HttpMessageInvoker(new SocketsHttpHandler()), CancellationToken.None);
        }
        else
        {
            await client.socket.ConnectAsync(address.Uri, CancellationToken.None);
        }
        client.reader = client.ReadAsync();
        return client;
    }

    /// <summary>Connects with a token and waits for the ready frame; returns the socket and the seq it reported.</summary>
    public static Task<(TestSocket Socket, long Seq)> ConnectReadyAsync(ConfabServer server, string token) =>
        ConnectReadyAsync(server.ClientOptions.BaseAddress, token);

    public static async Task<(TestSocket Socket, long Seq)> ConnectReadyAsync(Uri baseAddress, string token, bool http2 = false)
    {
        var client = await ConnectAsync(baseAddress, token, http2);
        var ready = await client.NextAsync("ready");
        return (client, ready.GetProperty("payload").GetProperty("seq").GetInt64());
    }

    public Task SendRawAsync(string text) => SendBytesAsync(Encoding.UTF8.GetBytes(text));

    public Task SendBytesAsync(byte[] bytes, WebSocketMessageType type = WebSocketMessageType.Text) =>
        socket.SendAsync(bytes, type, true, CancellationToken.None);

    /// <summary>Sends a request with a fresh requestId and returns its ack or error frame.</summary>
    public async Task<JsonElement> RequestAsync(string type, object? payload = null)
    {
        var requestId = $"r-{Interlocked.Increment(ref nextRequest)}";
        await SendRawAsync(JsonSerializer.Serialize(new { type, requestId, payload }, JsonSerializerOptions.Web));
        return await NextAsync(f => f.TryGetProperty("requestId", out var id) && id.GetString() == requestId);
    }

    /// <summary>Sends a request and asserts it was acknowledged; returns the ack payload.</summary>
    public async Task<JsonElement> AckedAsync(string type, object? payload = null)
    {
        var reply = await RequestAsync(type, payload);
        Assert.True(reply.Str("type") == "ack", $"{type} was not acknowledged: {reply}");
        return reply.GetProperty("payload");
    }

    public Task<JsonElement> NextAsync(string type, TimeSpan? wait = null) => NextAsync(f => f.Str("type") == type, wait);

    /// <summary>Waits for the next frame matching <paramref name="match"/>, dropping the ones before it.</summary>
    public async Task<JsonElement> NextAsync(Func<JsonElement, bool> match, TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? DefaultWait);
        while (true)
        {
            JsonElement frame;
            try
            {
                frame = await received.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("No matching frame arrived in time.");
            }
            catch (ChannelClosedException)
            {
                throw new InvalidOperationException($"The socket closed ({socket.CloseStatus} {socket.CloseStatusDescription}) before a matching frame arrived.");
            }
            if (match(frame)) return frame;
        }
    }

    /// <summary>Every frame that arrives within <paramref name="window"/>.</summary>
    public async Task<List<JsonElement>> DrainAsync(TimeSpan window)
    {
        var frames = new List<JsonElement>();
        using var timeout = new CancellationTokenSource(window);
        try
        {
            while (true) frames.Add(await received.Reader.ReadAsync(timeout.Token));
        }
        catch (Exception error) when (error is OperationCanceledException or ChannelClosedException)
        {
        }
        return frames;
    }

    /// <summary>Waits until the server closes the socket; returns the close status.</summary>
    public async Task<WebSocketCloseStatus?> ClosedAsync(TimeSpan? wait = null)
    {
        await reader!.WaitAsync(wait ?? DefaultWait);
        return socket.CloseStatus;
    }

    private async Task ReadAsync()
    {
        var buffer = new byte[1 << 20];
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    result = await socket.ReceiveAsync(buffer.AsMemory(length), stop.Token);
                    if (result.MessageType == WebSocketMessageType.Close) return;
                    length += result.Count;
                }
                while (!result.EndOfMessage);
                await received.Writer.WriteAsync(JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone());
            }
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException)
        {
        }
        finally
        {
            received.Writer.TryComplete();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try { await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", timeout.Token); } catch (Exception e) when (e is WebSocketException or OperationCanceledException) { }
        }
        await stop.CancelAsync();
        if (reader is not null) await reader.WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(_ => { }, TaskScheduler.Default);
        socket.Dispose();
        http2?.Dispose();
        stop.Dispose();
    }
}
