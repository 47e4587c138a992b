namespace Confab.Bench.Hosting;

/// <summary>A server a scenario talks to: a Confab node or the ceiling, and its process when the bench started it.</summary>
public sealed class ServerUnderTest(Uri address, bool speaksConfab, ChildProcess? process)
{
    public Uri Address { get; } = address;

    /// <summary>Confab wants a session token and a <c>resume</c> to go live at once; the ceiling wants neither.</summary>
    public bool SpeaksConfab { get; } = speaksConfab;

    /// <summary>The process's CPU and memory, or null for a server the bench did not start (--url).</summary>
    public ProcessSample? Sample() => process?.Sample();

    /// <summary>
    /// Waits until the server's CPU falls below a tenth of a core over half a second (at most a minute), so that what a
    /// burst of connects set off is not measured as part of what follows; returns how long it took (zero for --url).
    /// </summary>
    public async Task<TimeSpan> SettleAsync()
    {
        var limit = TimeSpan.FromSeconds(60);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        if (Sample() is not { } previous) return TimeSpan.Zero;
        while (waited.Elapsed < limit)
        {
            await Task.Delay(500);
            var current = Sample()!.Value;
            var busy = (current.CpuSeconds - previous.CpuSeconds) / 0.5;
            previous = current;
            if (busy < 0.1) break;
        }
        return waited.Elapsed;
    }

    public Uri SocketUri(string? token)
    {
        var socket = new UriBuilder(Address) { Scheme = Address.Scheme == "https" ? "wss" : "ws" };
        if (!SpeaksConfab)
        {
            socket.Path = CeilingServer.SocketPath;
            return socket.Uri;
        }
        socket.Path = "/v1/socket";
        socket.Query = $"token={Uri.EscapeDataString(token ?? throw new ArgumentNullException(nameof(token)))}";
        return socket.Uri;
    }
}
