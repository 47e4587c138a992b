using System.Globalization;

namespace Confab.Bench.Hosting;

/// <summary>One reading of a process's CPU time and resident memory, from /proc.</summary>
public readonly record struct ProcessSample(double CpuSeconds, long ResidentBytes)
{
    /// <summary>Linux's USER_HZ: /proc/&lt;pid&gt;/stat counts CPU time in these ticks.</summary>
    private const double TicksPerSecond = 100;

    public static ProcessSample Of(int pid) => new(CpuSecondsOf(pid), ResidentBytesOf(pid));

    /// <summary>utime + stime (fields 14 and 15), counted after the command name, which may itself hold spaces.</summary>
    private static double CpuSecondsOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state), so field n is fields[n - 3].
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return ticks / TicksPerSecond;
    }

    private static long ResidentBytesOf(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        throw new InvalidOperationException($"No VmRSS for process {pid}.");
    }
}
