namespace Confab.Client;

public enum ConfabSocketState
{
    /// <summary>Not connected yet: call <see cref="ConfabSocket.ConnectAsync"/>.</summary>
    Disconnected,

    /// <summary>Opening the first connection and resuming.</summary>
    Connecting,

    /// <summary>Connected and caught up: requests go out at once.</summary>
    Connected,

    /// <summary>The connection dropped; reconnecting with backoff. Requests wait (up to their timeout).</summary>
    Reconnecting,

    /// <summary>Disposed, or the server refused the session token; the socket will not reconnect.</summary>
    Closed,
}
