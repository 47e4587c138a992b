using System.Globalization;

namespace Confab.Bench.Report;

/// <summary>How figures are written in the tables.</summary>
public static class Shown
{
    public static string Milliseconds(double ms) => double.IsNaN(ms) ? "n/a" : ms.ToString(ms < 10 ? "F2" : "F1", CultureInfo.InvariantCulture) + " ms";

    public static string PerSecond(double rate) => Count(rate) + "/s";

    public static string Count(double count) => double.IsNaN(count) ? "n/a" : count.ToString("N0", CultureInfo.InvariantCulture);

    public static string KiB(double bytes) => double.IsNaN(bytes) ? "n/a" : (bytes / 1024).ToString("F1", CultureInfo.InvariantCulture) + " KiB";

    public static string MiB(double bytes) => double.IsNaN(bytes) ? "n/a" : (bytes / 1048576).ToString("F1", CultureInfo.InvariantCulture) + " MiB";

    public static string Ratio(double ratio) => double.IsFinite(ratio) ? ratio.ToString("F2", CultureInfo.InvariantCulture) + "x" : "n/a";

    public static string Percent(double fraction) => (fraction * 100).ToString("F0", CultureInfo.InvariantCulture) + " %";
}
