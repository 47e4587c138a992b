namespace Confab.Bench.Report;

/// <summary>What one scenario measured: its table rows, notes on how, and its raw details for the JSON file.</summary>
public sealed class ScenarioReport(string scenario, string title)
{
    public string Scenario { get; } = scenario;

    public string Title { get; } = title;

    public List<ResultRow> Rows { get; } = [];

    public List<string> Notes { get; } = [];

    public Dictionary<string, object?> Details { get; } = [];

    public double Seconds { get; set; }

    /// <summary>The scenario threw before it could measure; its notes say why.</summary>
    public bool Failed { get; init; }

    public ScenarioReport Row(string figure, double? value, string shown, Target? target = null)
    {
        Rows.Add(new ResultRow(figure, value, shown, target));
        return this;
    }

    public ScenarioReport Note(string note)
    {
        Notes.Add(note);
        return this;
    }
}
