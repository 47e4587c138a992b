using Microsoft.AspNetCore.Http.Features;

namespace Confab.Server.Realtime;

/// <summary>
/// Runs before the WebSocket middleware on <c>/v1/socket</c> and wraps the connection it upgrades (HTTP/1.1's
/// upgrade or HTTP/2's extended CONNECT) in a <see cref="SharedSocketStream"/>, so the socket's own writer can
/// write frames next to the WebSocket that reads them. <see cref="StreamOf"/> hands it to the endpoint once accepted.
/// </summary>
public sealed class SocketUpgrade(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.Request.Path.Equals(SocketEndpoint.Path, StringComparison.Ordinal))
        {
            var features = context.Features;
            var capture = new Capture();
            features.Set(capture);
            if (features.Get<IHttpUpgradeFeature>() is { } upgrade) features.Set<IHttpUpgradeFeature>(new Upgrade(upgrade, capture));
            if (features.Get<IHttpExtendedConnectFeature>() is { } connect) features.Set<IHttpExtendedConnectFeature>(new ExtendedConnect(connect, capture));
        }
        return next(context);
    }

    /// <summary>The accepted socket's shared stream.</summary>
    public static SharedSocketStream StreamOf(HttpContext context) =>
        context.Features.Get<Capture>()?.Stream ?? throw new InvalidOperationException($"{nameof(SocketUpgrade)} must run before the WebSocket middleware.");

    private sealed class Capture
    {
        public SharedSocketStream? Stream { get; set; }

        public SharedSocketStream Wrap(Stream transport) => Stream = new SharedSocketStream(transport);
    }

    private sealed class Upgrade(IHttpUpgradeFeature inner, Capture capture) : IHttpUpgradeFeature
    {
        public bool IsUpgradableRequest => inner.IsUpgradableRequest;

        public async Task<Stream> UpgradeAsync() => capture.Wrap(await inner.UpgradeAsync());
    }

    private sealed class ExtendedConnect(IHttpExtendedConnectFeature inner, Capture capture) : IHttpExtendedConnectFeature
    {
        public bool IsExtendedConnect => inner.IsExtendedConnect;
        public string? Protocol => inner.Protocol;

        public async ValueTask<Stream> AcceptAsync() => capture.Wrap(await inner.AcceptAsync());
    }
}
