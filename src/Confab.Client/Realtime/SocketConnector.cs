using System.Net;
using System.Net.WebSockets;

namespace Confab.Client;

/// <summary>Opens one authenticated connection to <c>/v1/socket</c>, with a fresh token each time.</summary>
internal sealed class SocketConnector(Uri baseAddress, Func<CancellationToken, ValueTask<string>> sessionToken, ConfabSocketOptions options)
{
    /// <summary>Opens a connection; a refused token is a <see cref="ConfabApiException"/> with status 401.</summary>
    public async Task<WebSocketConnection> OpenAsync(CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(options.ConnectTimeout);
        var address = Address(baseAddress, await sessionToken(timeout.Token).ConfigureAwait(false));
        var socket = await (options.WebSocketFactory ?? ConnectClientWebSocketAsync)(address, timeout.Token).ConfigureAwait(false);
        return new WebSocketConnection(socket);
    }

    /// <summary><c>http(s)://host/base/</c> becomes <c>ws(s)://host/base/v1/socket?token=…</c>.</summary>
    public static Uri Address(Uri baseAddress, string token)
    {
        var address = new UriBuilder(baseAddress)
        {
            Scheme = baseAddress.Scheme switch
            {
                "https" or "wss" => "wss",
                "http" or "ws" => "ws",
                _ => throw new ArgumentException($"The base address must be http(s) or ws(s), not {baseAddress.Scheme}.", nameof(baseAddress)),
            },
            Query = "token=" + Uri.EscapeDataString(token),
        };
        address.Path = address.Path.TrimEnd('/') + "/v1/socket";
        return address.Uri;
    }

    private async Task<WebSocket> ConnectClientWebSocketAsync(Uri address, CancellationToken cancel)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = options.KeepAliveInterval;
        socket.Options.KeepAliveTimeout = options.KeepAliveTimeout;
        socket.Options.CollectHttpResponseDetails = true;
        try
        {
            await socket.ConnectAsync(address, cancel).ConfigureAwait(false);
            return socket;
        }
        catch (WebSocketException) when (socket.HttpStatusCode == HttpStatusCode.Unauthorized)
        {
            socket.Dispose();
            throw new ConfabApiException(401, "UNAUTHORIZED", "The server refused the session token: it is invalid, expired or revoked.");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
