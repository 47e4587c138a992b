using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;

namespace Confab.Bench.Load;

/// <summary>
/// The send time a sender writes into a message's text (<c>stamp:&lt;Stopwatch ticks&gt;:&lt;tag&gt;</c>; sender
/// and receivers share the machine, so one clock), and the tag of the step or phase it was sent in.
/// </summary>
public readonly record struct Stamp(long SentAt, int Tag)
{
    private static ReadOnlySpan<byte> Marker => "stamp:"u8;

    /// <summary>The tag of warm-up sends: no figure counts them (a recorder counts only the tag it began with, and a warm-up's own window is thrown away).</summary>
    public const int WarmUpTag = 99;

    public static string Text(int tag) =>
        string.Create(CultureInfo.InvariantCulture, $"stamp:{Stopwatch.GetTimestamp()}:{tag}");

    public double ElapsedMilliseconds => Stopwatch.GetElapsedTime(SentAt).TotalMilliseconds;

    public static bool TryFind(ReadOnlySpan<byte> frame, out Stamp stamp)
    {
        stamp = default;
        var at = frame.IndexOf(Marker);
        if (at < 0) return false;
        var rest = frame[(at + Marker.Length)..];
        if (!Utf8Parser.TryParse(rest, out long sentAt, out var consumed) || consumed >= rest.Length || rest[consumed] != (byte)':') return false;
        if (!Utf8Parser.TryParse(rest[(consumed + 1)..], out int tag, out _)) return false;
        stamp = new Stamp(sentAt, tag);
        return true;
    }
}
