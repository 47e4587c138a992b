namespace Confab.Bench.Report;

/// <summary>
/// One measured figure: its value (null when it could not be measured), how it is shown, and its target when
/// it has one. <see cref="Mark"/> is what the table prints beside the target.
/// </summary>
public sealed record ResultRow(string Figure, double? Value, string Shown, Target? Target = null)
{
    public bool? Met => Target is null || Value is null || double.IsNaN(Value.Value) ? null : Target.IsMetBy(Value.Value);

    public string Mark => Target is null ? "" : Met switch { true => "pass", false => "MISS", null => "n/a" };
}
