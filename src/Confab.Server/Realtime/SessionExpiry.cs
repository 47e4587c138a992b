using System.Net.WebSockets;
using Confab.Server.Hosting;

namespace Confab.Server.Realtime;

/// <summary>Closes sockets whose session has expired; revoked sessions are closed at once through <see cref="Identity.SessionRevocations"/>.</summary>
public sealed class SessionExpiry(ConnectionRegistry connections, TimeProvider clock) : BackgroundService
{
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SweepInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var connection in connections.ExpiredBy(Time.Now(clock)))
                connection.Close(WebSocketCloseStatus.PolicyViolation, "The session expired.");
        }
    }
}
