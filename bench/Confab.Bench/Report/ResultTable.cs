namespace Confab.Bench.Report;

/// <summary>Prints a scenario's report as a table: each figure, its measured value, its target and the mark.</summary>
public static class ResultTable
{
    public static void Print(ScenarioReport report, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"== {report.Title} ({report.Seconds:F0} s)");
        string[] header = ["figure", "measured", "target", ""];
        var rows = report.Rows.Select(r => new[] { r.Figure, r.Shown, r.Target?.Text ?? "", r.Mark }).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(c => rows.Select(r => r[c].Length).Append(header[c].Length).Max()).ToArray();
        string Line(string[] cells) => "  " + string.Join(" | ", cells.Select((cell, c) => cell.PadRight(widths[c]))).TrimEnd();
        output.WriteLine(Line(header));
        output.WriteLine("  " + string.Join("-+-", widths.Select(w => new string('-', w))));
        foreach (var row in rows) output.WriteLine(Line(row));
        foreach (var note in report.Notes) output.WriteLine($"  note: {note}");
    }
}
