namespace Confab.Bench.Report;

/// <summary>A figure's target: at most or at least a threshold, as printed beside it.</summary>
public sealed record Target(double Threshold, bool AtMost, string Text)
{
    public static Target NoMoreThan(double threshold, string text) => new(threshold, AtMost: true, text);

    public static Target NoLessThan(double threshold, string text) => new(threshold, AtMost: false, text);

    public bool IsMetBy(double measured) => AtMost ? measured <= Threshold : measured >= Threshold;
}
