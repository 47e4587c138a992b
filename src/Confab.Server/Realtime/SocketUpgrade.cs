using Microsoft.AspNetCore.Http.Features;

namespace Confab.Server.Realtime;

/// <summary>
/// Runs before the WebSocket middleware and wraps the stream that accepting a WebSocket hands over in a
/// <see cref="SharedSocketStream"/>, so the socket's own writer can write frames next to the WebSocket that reads
/// them: the connection an HTTP/1.1 upgrade hands over, or the stream of an HTTP/2 extended CONNECT (RFC 8441), which
/// browsers use wherever the server speaks HTTP/2. Every such request is wrapped (routing, which decides whether it is
/// <c>/v1/socket</c>, runs later); others pass untouched. <see cref="StreamOf"/> hands the stream to the endpoint once
/// the WebSocket is accepted.
/// </summary>
public sealed class SocketUpgrade(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } upgrade)
            context.Features.Set<IHttpUpgradeFeature>(new SharingUpgrade(upgrade));
        else if (context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect)
            context.Features.Set<IHttpExtendedConnectFeature>(new SharingExtendedConnect(connect));
        return next(context);
    }

    /// <summary>The accepted socket's shared stream.</summary>
    public static SharedSocketStream StreamOf(HttpContext context) =>
        (context.Features.Get<IHttpUpgradeFeature>() as SharingUpgrade)?.Stream
        ?? (context.Features.Get<IHttpExtendedConnectFeature>() as SharingExtendedConnect)?.Stream
        ?? throw new InvalidOperationException($"The socket was not upgraded through {nameof(SocketUpgrade)}, which must run before the WebSocket middleware.");

    private sealed class SharingUpgrade(IHttpUpgradeFeature inner) : IHttpUpgradeFeature
    {
        public SharedSocketStream? Stream { get; private set; }

        public bool IsUpgradableRequest => inner.IsUpgradableRequest;

        public async Task<Stream> UpgradeAsync() => Stream = new SharedSocketStream(await inner.UpgradeAsync());
    }

    private sealed class SharingExtendedConnect(IHttpExtendedConnectFeature inner) : IHttpExtendedConnectFeature
    {
        public SharedSocketStream? Stream { get; private set; }

        public bool IsExtendedConnect => inner.IsExtendedConnect;

        public string? Protocol => inner.Protocol;

        public async ValueTask<Stream> AcceptAsync() => Stream = new SharedSocketStream(await inner.AcceptAsync());
    }
}
