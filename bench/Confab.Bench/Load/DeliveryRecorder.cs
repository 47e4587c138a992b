namespace Confab.Bench.Load;

/// <summary>
/// What receivers share: the latency of every stamped <c>message.created</c> that arrives with the current tag.
/// Late arrivals from an earlier tag are ignored (the earlier step already counted them lost).
/// </summary>
public sealed class DeliveryRecorder
{
    private int tag = -1;

    public LatencyRecorder Latencies { get; } = new();

    public int Tag => Volatile.Read(ref tag);

    /// <summary>Starts counting deliveries of messages stamped with <paramref name="newTag"/> only.</summary>
    public void Begin(int newTag)
    {
        Latencies.Clear();
        Volatile.Write(ref tag, newTag);
    }

    /// <summary>Records the frame when it is a stamped message; says whether it was one (any tag).</summary>
    public bool Record(ReadOnlySpan<byte> frame)
    {
        if (!FrameScan.IsType(frame, FrameScan.MessageCreated) || !Stamp.TryFind(frame, out var stamp)) return false;
        if (stamp.Tag == Tag) Latencies.Add(stamp.ElapsedMilliseconds);
        return true;
    }
}
