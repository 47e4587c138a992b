using System.Diagnostics;
using Confab.Bench.Hosting;

namespace Confab.Bench.Load;

/// <summary>
/// The CPU the servers and the generator itself spent from <see cref="Start"/> on, as seconds and as shares of one
/// core per second of wall time, and how long the generator's garbage collector paused it (a pause delays every
/// arrival it covers, so a latency spike with a long pause is the generator's, not the server's). A server the bench
/// did not start (<c>--url</c>) has no figure: NaN.
/// </summary>
public sealed class CpuWindow
{
    private readonly IReadOnlyList<ServerUnderTest> servers;
    private readonly double serversAtStart;
    private readonly double generatorAtStart = GeneratorSeconds();
    private readonly TimeSpan pausedAtStart = GC.GetTotalPauseDuration();
    private readonly Stopwatch clock = Stopwatch.StartNew();

    private CpuWindow(IReadOnlyList<ServerUnderTest> servers)
    {
        this.servers = servers;
        serversAtStart = ServerSeconds(servers);
    }

    public static CpuWindow Start(params IReadOnlyList<ServerUnderTest> servers) => new(servers);

    /// <summary>Server CPU seconds so far, the servers' and the generator's shares of a core, and the generator's GC pauses.</summary>
    public (double ServerSeconds, double ServerShare, double GeneratorShare, double GeneratorGcPauseMs) Spent()
    {
        var wall = clock.Elapsed.TotalSeconds;
        var server = ServerSeconds(servers) - serversAtStart;
        return (server, server / wall, (GeneratorSeconds() - generatorAtStart) / wall, (GC.GetTotalPauseDuration() - pausedAtStart).TotalMilliseconds);
    }

    private static double ServerSeconds(IReadOnlyList<ServerUnderTest> servers) => servers.Sum(s => s.Sample()?.CpuSeconds ?? double.NaN);

    private static double GeneratorSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
}
