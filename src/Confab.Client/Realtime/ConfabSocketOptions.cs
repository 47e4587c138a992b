using System.Net.WebSockets;

namespace Confab.Client;

/// <summary>How a <see cref="ConfabSocket"/> connects, reconnects and waits.</summary>
public sealed class ConfabSocketOptions
{
    /// <summary>How long a request waits for its ack, including any wait for the socket to be connected.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long opening one connection may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The first reconnect waits about this long; each failed attempt doubles it, up to <see cref="MaxReconnectDelay"/>.</summary>
    public TimeSpan InitialReconnectDelay { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxReconnectDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>WebSocket pings that find a dead connection: sent this often, and the connection drops when a pong is later than <see cref="KeepAliveTimeout"/>.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Resume from a seq kept from an earlier socket (its <see cref="ConfabSocket.LastSeq"/>) instead of from
    /// now, to receive what happened while the app was away.
    /// </summary>
    public long? ResumeAfterSeq { get; init; }

    /// <summary>
    /// Opens the WebSocket to the given <c>ws(s)://…/v1/socket?token=…</c> address, instead of a
    /// <see cref="ClientWebSocket"/> with the keep-alive settings above (for proxies, certificates or tests).
    /// </summary>
    public Func<Uri, CancellationToken, Task<WebSocket>>? WebSocketFactory { get; init; }
}
