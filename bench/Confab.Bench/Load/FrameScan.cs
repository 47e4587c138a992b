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

    /// <summary>The characters of the JSON string that starts right after <paramref name="marker"/> (no escapes expected).</summary>
    public static ReadOnlySpan<byte> StringAfter(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> marker)
    {
        var at = frame.IndexOf(marker);
        if (at < 0) return [];
        var rest = frame[(at + marker.Length)..];
        var end = rest.IndexOf((byte)'"');
        return end < 0 ? [] : rest[..end];
    }
}
