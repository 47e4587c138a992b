using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Realtime;

/// <summary>
/// One connected device of a user: a <see cref="TestSocket"/> that records every frame it has seen, so
/// a test can wait for the frame it expects and still assert afterwards on everything that arrived
/// (nothing extra, nothing twice, seq order).
/// </summary>
internal sealed class Device : IAsyncDisposable
{
    private int nextRequest;

    /// <summary>Events that arrived while a request waited for its reply: the next event waits look at them first.</summary>
    private readonly List<JsonElement> passedWhileWaiting = [];

    private Device(TestSocket socket, string userId)
    {
        Socket = socket;
        UserId = userId;
    }

    public TestSocket Socket { get; }

    public string UserId { get; }

    /// <summary>The tenant's log position the <c>ready</c> frame reported.</summary>
    public long ReadySeq { get; private set; }

    /// <summary>Every frame this device received so far (that a wait has looked at), in arrival order.</summary>
    public List<JsonElement> Seen { get; } = [];

    /// <summary>The durable events seen so far (frames with a top-level seq).</summary>
    public IEnumerable<JsonElement> Durable => Seen.Where(Kit.IsDurable);

    /// <summary>
    /// Connects with <c>?token=</c>, waits for <c>ready</c> and resumes from <paramref name="since"/> (default: the
    /// ready seq) so that live durable events flow at once instead of after the one-second hold.
    /// </summary>
    public static async Task<Device> ConnectAsync(ConfabServer server, string token, string userId, long? since = null)
    {
        var device = await ConnectQuietAsync(server, token, userId);
        await device.ResumeAsync(since ?? device.ReadySeq);
        return device;
    }

    /// <summary>Connects and waits for <c>ready</c>, without sending any request.</summary>
    public static async Task<Device> ConnectQuietAsync(ConfabServer server, string token, string userId)
    {
        var device = new Device(await TestSocket.ConnectAsync(server, token), userId);
        var ready = await device.NextAsync(f => Kit.Type(f) == "ready");
        Assert.Equal(userId, Kit.Payload(ready).Str("userId"));
        device.ReadySeq = Kit.Payload(ready).GetProperty("seq").GetInt64();
        return device;
    }

    /// <summary>Sends <c>resume</c> and waits for its ack; returns the frames that arrived meanwhile (the replay and <c>resumed</c>).</summary>
    public async Task<List<JsonElement>> ResumeAsync(long since)
    {
        var start = Seen.Count;
        // A replay can be thousands of frames long: its ack gets more time than other replies.
        var ack = await RequestAsync("resume", new { since }, TimeSpan.FromSeconds(30));
        Assert.True(Kit.Type(ack) == "ack", $"resume was not acknowledged: {ack}");
        return Seen.Skip(start).ToList();
    }

    public async Task<JsonElement> NextAsync(Func<JsonElement, bool> match, TimeSpan? wait = null) =>
        await Socket.NextAsync(frame =>
        {
            Seen.Add(frame);
            return match(frame);
        }, wait);

    /// <summary>Waits for an event of <paramref name="type"/> whose payload matches; returns the whole frame.</summary>
    public Task<JsonElement> EventAsync(string type, Func<JsonElement, bool>? payload = null, TimeSpan? wait = null)
    {
        bool Matches(JsonElement f) => Kit.Type(f) == type && (payload is null || payload(Kit.Payload(f)));
        var early = passedWhileWaiting.FindIndex(Matches);
        if (early < 0) return NextAsync(Matches, wait);
        var frame = passedWhileWaiting[early];
        passedWhileWaiting.RemoveRange(0, early + 1);
        return Task.FromResult(frame);
    }

    /// <summary>Waits for the <c>message.created</c> of this message id.</summary>
    public Task<JsonElement> MessageCreatedAsync(string messageId, TimeSpan? wait = null) =>
        EventAsync("message.created", p => p.Str("id") == messageId, wait);

    /// <summary>Sends a request with a fresh requestId; returns its ack or error frame.</summary>
    public async Task<JsonElement> RequestAsync(string type, object? payload = null, TimeSpan? wait = null)
    {
        var requestId = $"{UserId}-{Interlocked.Increment(ref nextRequest)}";
        await Socket.SendRawAsync(JsonSerializer.Serialize(new { type, requestId, payload }, JsonSerializerOptions.Web));
        // An event can overtake the reply to the request that caused it; it is kept for the event waits that follow.
        var reply = await NextAsync(f =>
        {
            if (f.TryGetProperty("requestId", out var id) && id.GetString() == requestId) return true;
            passedWhileWaiting.Add(f);
            return false;
        }, wait);
        Assert.True(Kit.Type(reply) is "ack" or "error", $"A reply must be an ack or an error: {reply}");
        return reply;
    }

    /// <summary>Sends a request and asserts it was acknowledged; returns the ack payload.</summary>
    public async Task<JsonElement> AckedAsync(string type, object? payload = null)
    {
        var reply = await RequestAsync(type, payload);
        Assert.True(Kit.Type(reply) == "ack", $"{type} was not acknowledged: {reply}");
        return Kit.Payload(reply);
    }

    /// <summary>Sends a request and asserts it was refused with <paramref name="code"/>; returns the error payload.</summary>
    public async Task<JsonElement> RefusedAsync(string type, object? payload, params string[] codes)
    {
        var reply = await RequestAsync(type, payload);
        Assert.True(Kit.Type(reply) == "error", $"{type} should have been refused: {reply}");
        var error = Kit.Payload(reply);
        Assert.Contains(error.Str("code"), codes);
        Assert.False(string.IsNullOrWhiteSpace(error.Str("message")));
        return error;
    }

    /// <summary>Waits until a durable event at or past <paramref name="seq"/> has arrived (returns at once if one already has).</summary>
    public async Task CatchUpToAsync(long seq, TimeSpan? wait = null)
    {
        if (Durable.Any(f => Kit.Seq(f) >= seq)) return;
        await NextAsync(f => Kit.IsDurable(f) && Kit.Seq(f) >= seq, wait);
    }

    /// <summary>Asserts the durable events this device has seen after <paramref name="after"/> are exactly these log positions, in order.</summary>
    public void AssertDurableExactly(IEnumerable<long> positions, long after = 0)
    {
        var expected = positions.ToList();
        var actual = Durable.Select(Kit.Seq).Where(s => s > after).ToList();
        Assert.True(expected.SequenceEqual(actual),
            $"{UserId} should have received seqs [{string.Join(',', expected)}] but received [{string.Join(',', actual)}]");
    }

    /// <summary>Records every frame that arrives within <paramref name="window"/>; returns them.</summary>
    public async Task<List<JsonElement>> SettleAsync(TimeSpan window)
    {
        var frames = await Socket.DrainAsync(window);
        Seen.AddRange(frames);
        return frames;
    }

    public ValueTask DisposeAsync() => Socket.DisposeAsync();
}

/// <summary>Frame accessors, raw sockets and the assertions the real-time tests share.</summary>
internal static class Kit
{
    public static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(400);

    public static string Type(JsonElement frame) => frame.Str("type");

    public static JsonElement Payload(JsonElement frame) => frame.GetProperty("payload");

    public static long Seq(JsonElement frame) => frame.GetProperty("seq").GetInt64();

    public static bool IsDurable(JsonElement frame) => frame.TryGetProperty("seq", out var seq) && seq.ValueKind == JsonValueKind.Number;

    /// <summary>The conversation a durable event concerns (payload.conversationId, or payload.id for Conversation payloads).</summary>
    public static string? ConversationOf(JsonElement frame)
    {
        var payload = Payload(frame);
        if (payload.StrOrNull("conversationId") is { } id) return id;
        return Type(frame).StartsWith("conversation.", StringComparison.Ordinal) ? payload.StrOrNull("id") : null;
    }

    public static void AssertStrictlyIncreasing(IEnumerable<long> seqs)
    {
        var list = seqs.ToList();
        for (var i = 1; i < list.Count; i++)
            Assert.True(list[i] > list[i - 1], $"seq must increase strictly, but {list[i]} followed {list[i - 1]} (all: {string.Join(',', list)})");
    }

    public static string Ids(params string[] parts) => string.Join(' ', parts);

    /// <summary>Creates the user and returns a session client and its token.</summary>
    public static async Task<(HttpClient Http, string Token)> UserAsync(TestTenant tenant, string userId)
    {
        var token = await tenant.TokenAsync(userId);
        return (tenant.Server.WithSession(token), token);
    }

    /// <summary>The log positions after <paramref name="after"/> that concern the user: its own events and those of the given conversations.</summary>
    public static async Task<List<long>> PositionsForAsync(ConfabServer server, TestTenant tenant, long after, string userId, params string[] conversationIds) =>
        (await server.ReadAsync(tenant.Id, after))
            .Where(e => e.UserId == userId || e.ConversationId is not null && conversationIds.Contains(e.ConversationId))
            .Select(e => e.Position).ToList();

    public static string[] List(params string[] items) => items;

    public static Uri SocketUri(ConfabServer server, string? token, string path = "/v1/socket") =>
        new UriBuilder(server.ClientOptions.BaseAddress)
        {
            Scheme = "ws", Path = path, Query = token is null ? "" : $"token={Uri.EscapeDataString(token)}",
        }.Uri;

    /// <summary>Opens a bare ClientWebSocket (for headers, refused upgrades and clients that never read).</summary>
    public static async Task<ClientWebSocket> OpenRawAsync(ConfabServer server, string? token, Action<ClientWebSocketOptions>? configure = null,
        HttpMessageInvoker? invoker = null, string path = "/v1/socket")
    {
        var socket = new ClientWebSocket();
        configure?.Invoke(socket.Options);
        await socket.ConnectAsync(SocketUri(server, token, path), invoker, CancellationToken.None);
        return socket;
    }

    /// <summary>Receives one whole text frame as JSON from a bare socket; null when the server closed it.</summary>
    public static async Task<JsonElement?> ReceiveJsonAsync(WebSocket socket, TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? TestSocket.DefaultWait);
        var buffer = new byte[1 << 20];
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(length), timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            length += result.Count;
        }
        while (!result.EndOfMessage);
        return JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone();
    }

    public static Task SendJsonAsync(WebSocket socket, object frame) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(frame, JsonSerializerOptions.Web)), WebSocketMessageType.Text, true, CancellationToken.None);

    /// <summary>A client connection with a 4 KiB kernel receive buffer, so a client that reads slowly backs up into the server quickly.</summary>
    public static async ValueTask<Stream> TinyReceiveBufferAsync(SocketsHttpConnectionContext context, CancellationToken cancel)
    {
        var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096 };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancel);
            return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds (for server-side state that no frame reports).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan within, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < within, $"Timed out after {within.TotalSeconds:0.#} s waiting for: {what}");
            await Task.Delay(50);
        }
    }
}

/// <summary>alice and bob in a group of a fresh tenant, each with a connected, resumed device.</summary>
internal sealed record AliceAndBob(TestTenant Tenant, HttpClient Alice, string Group, Device AliceDevice, Device Bob, string BobToken) : IAsyncDisposable
{
    public static async Task<AliceAndBob> InAGroupAsync(ConfabServer server)
    {
        var tenant = await server.NewTenantAsync();
        var (alice, aliceToken) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        return new AliceAndBob(tenant, alice, group,
            await Device.ConnectAsync(server, aliceToken, "alice"), await Device.ConnectAsync(server, bobToken, "bob"), bobToken);
    }

    public async ValueTask DisposeAsync()
    {
        await AliceDevice.DisposeAsync();
        await Bob.DisposeAsync();
    }
}
