using System.Diagnostics;

namespace Confab.Bench.Hosting;

/// <summary>
/// Keeps the servers and the generator off each other's core: servers start under <c>taskset -c 0</c>, the
/// generator runs on core 1. Without taskset (or with one core) everything runs unpinned.
/// </summary>
public static class Pinning
{
    public const int ServerCore = 0;
    public const int GeneratorCore = 1;

    public static bool Available { get; } = Environment.ProcessorCount > GeneratorCore && TasksetExists();

    public static string Describe() => Available
        ? $"servers pinned to core {ServerCore} (taskset), generator to core {GeneratorCore}"
        : "UNPINNED: taskset missing or fewer than two cores, servers and generator share the CPU";

    public static void PinGenerator()
    {
        if (Available && OperatingSystem.IsLinux()) Process.GetCurrentProcess().ProcessorAffinity = 1 << GeneratorCore;
    }

    /// <summary>The start info for <paramref name="program"/>, wrapped in taskset when pinning is available.</summary>
    public static ProcessStartInfo ServerStartInfo(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(Available ? "taskset" : program);
        if (Available)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(ServerCore.ToString(System.Globalization.CultureInfo.InvariantCulture));
            start.ArgumentList.Add(program);
        }
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        return start;
    }

    private static bool TasksetExists() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(dir => File.Exists(Path.Combine(dir, "taskset")));
}
