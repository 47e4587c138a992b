using System.Buffers.Text;

namespace Confab.Bench.Load;

/// <summary>
/// Reads what the bench needs from a socket frame by scanning its UTF-8 bytes, without parsing the JSON, so
/// receivers stay cheap. Frames start with their type (<c>{"type":"..."</c>); a durable event ends with its seq.
/// </summary>
public static class FrameScan
{
    public static ReadOnlySpan<byte> Ready => "ready"u8;
    public static ReadOnlySpan<byte> Ack => "ack"u8;
    public static ReadOnlySpan<byte> Error => "error"u8;
    public static ReadOnlySpan<byte> Resumed => "resumed"u8;
    public static ReadOnlySpan<byte> MessageCreated => "message.created"u8;

    private static ReadOnlySpan<byte> TypePrefix => "{\"type\":\""u8;
    private static ReadOnlySpan<byte> SeqMarker => "\"seq\":"u8;
    private static ReadOnlySpan<byte> RequestIdMarker => "\"requestId\":\""u8;

    public static bool IsType(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> type) =>
        frame.StartsWith(TypePrefix)
        && frame[TypePrefix.Length..].StartsWith(type)
        && frame.Length > TypePrefix.Length + type.Length
        && frame[TypePrefix.Length + type.Length] == (byte)'"';

    /// <summary>The last <c>"seq":</c> number of the frame: a durable event's own seq, or the ready frame's.</summary>
    public static long? Seq(ReadOnlySpan<byte> frame)
    {
        var at = frame.LastIndexOf(SeqMarker);
        return at >= 0 && Utf8Parser.TryParse(frame[(at + SeqMarker.Length)..], out long seq, out _) ? seq : null;
    }

    public static ReadOnlySpan<byte> RequestId(ReadOnlySpan<byte> frame) => StringAfter(frame, RequestIdMarker);

    /// <summary>The characters of the JSON string that starts right after the first <paramref name="marker"/> (no escapes expected).</summary>
    public static ReadOnlySpan<byte> StringAfter(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> marker) => StringAt(frame, frame.IndexOf(marker), marker.Length);

    /// <summary>The same after the last <paramref name="marker"/>.</summary>
    public static ReadOnlySpan<byte> StringAfterLast(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> marker) => StringAt(frame, frame.LastIndexOf(marker), marker.Length);

    private static ReadOnlySpan<byte> StringAt(ReadOnlySpan<byte> frame, int markerAt, int markerLength)
    {
        if (markerAt < 0) return [];
        var rest = frame[(markerAt + markerLength)..];
        var end = rest.IndexOf((byte)'"');
        return end < 0 ? [] : rest[..end];
    }
}
