using System.Globalization;

namespace Confab.Bench.Hosting;

/// <summary>
/// The machine's load averages (/proc/loadavg), printed around a run: on a shared machine other processes take
/// the cores the bench pins to, and every figure suffers.
/// </summary>
public static class MachineLoad
{
    public static double OneMinute() =>
        double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);

    public static string Describe()
    {
        var load = OneMinute();
        var busy = load > Environment.ProcessorCount
            ? $" > {Environment.ProcessorCount} cores: other processes compete for the CPU, so every figure is lower than on a quiet machine"
            : "";
        return string.Create(CultureInfo.InvariantCulture, $"load average (1 min) {load:F1}{busy}");
    }
}
