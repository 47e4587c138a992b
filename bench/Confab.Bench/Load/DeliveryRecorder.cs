using System.Globalization;
using System.Text;

namespace Confab.Bench.Load;

/// <summary>
/// What receivers share: the latency of every stamped <c>message.created</c> that arrives with the current tag.
/// Late arrivals from an earlier tag are ignored (the earlier step already counted them lost). Optionally also the
/// time from the message's <c>createdAt</c> (taken by the server inside the sending transaction, before its commit)
/// to its arrival: the server's side of the delivery alone, without the sender's request.
/// </summary>
public sealed class DeliveryRecorder(bool sinceCreated = false)
{
    private static ReadOnlySpan<byte> CreatedAtMarker => "\"createdAt\":\""u8;

    private int tag = -1;

    public LatencyRecorder Latencies { get; } = new();

    /// <summary>Arrival minus the message's <c>createdAt</c> (milliseconds; the server's clock is this machine's), when asked for.</summary>
    public LatencyRecorder? SinceCreated { get; } = sinceCreated ? new() : null;

    private int Tag => Volatile.Read(ref tag);

    /// <summary>Starts counting deliveries of messages stamped with <paramref name="newTag"/> only.</summary>
    public void Begin(int newTag)
    {
        Latencies.Clear();
        SinceCreated?.Clear();
        Volatile.Write(ref tag, newTag);
    }

    /// <summary>Records the frame when it is a stamped message of the current tag; the stamp of any stamped message, else null.</summary>
    public Stamp? Record(ReadOnlySpan<byte> frame)
    {
        if (!FrameScan.IsType(frame, FrameScan.MessageCreated) || !Stamp.TryFind(frame, out var stamp)) return null;
        if (stamp.Tag != Tag) return stamp;
        Latencies.Add(stamp.ElapsedMilliseconds);
        if (SinceCreated is not null && CreatedAt(frame) is { } createdAt)
            SinceCreated.Add((DateTimeOffset.UtcNow - createdAt).TotalMilliseconds);
        return stamp;
    }

    /// <summary>The message's own <c>createdAt</c>: the frame's last one (a quoted message's comes before it).</summary>
    private static DateTimeOffset? CreatedAt(ReadOnlySpan<byte> frame)
    {
        var text = FrameScan.StringAfterLast(frame, CreatedAtMarker);
        return !text.IsEmpty && DateTimeOffset.TryParse(Encoding.UTF8.GetString(text), CultureInfo.InvariantCulture, DateTimeStyles.None, out var value)
            ? value
            : null;
    }
}
