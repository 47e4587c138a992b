using System.Diagnostics;
using System.Net.WebSockets;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Realtime;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Stopping_the_server_closes_open_sockets_at_once_with_1001()
    {
        var server = new ConfabServer();
        var tenant = await server.NewTenantAsync();
        var (socket, seq) = await TestSocket.ConnectReadyAsync(server, await tenant.TokenAsync("ava"));
        await using var _ = socket;
        await socket.AckedAsync("resume", new { since = seq });

        var stopping = Stopwatch.StartNew();
        await server.DisposeAsync();

        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(10), $"Stopping took {stopping.Elapsed}.");
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await socket.ClosedAsync());
    }
}
