using Confab.Bench.Report;

namespace Confab.Bench.Load;

/// <summary>Latency samples in milliseconds, added from any thread.</summary>
public sealed class LatencyRecorder
{
    private readonly List<double> samples = [];

    public int Count
    {
        get { lock (samples) return samples.Count; }
    }

    public void Add(double milliseconds)
    {
        lock (samples) samples.Add(milliseconds);
    }

    public void Clear()
    {
        lock (samples) samples.Clear();
    }

    public Percentiles Summary()
    {
        lock (samples) return Percentiles.Of(samples);
    }
}
