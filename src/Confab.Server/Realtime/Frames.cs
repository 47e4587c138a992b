using System.Globalization;
using System.Text;
using System.Text.Json;
using Confab.Contracts;
using Confab.Server.Http;

namespace Confab.Server.Realtime;

/// <summary>The socket's JSON envelopes, built once as UTF-8 bytes and shared by every connection that gets them.</summary>
public static class Frames
{
    /// <summary>
    /// A durable event: its payload is the log's JSON text, spliced in unparsed. The text is encoded straight into the
    /// frame, not first into an interpolated string: a replay builds thousands of these, and this takes half the time.
    /// </summary>
    public static byte[] Durable(string type, string payloadJson, long seq)
    {
        ReadOnlySpan<byte> start = "{\"type\":\""u8, beforePayload = "\",\"payload\":"u8, beforeSeq = ",\"seq\":"u8;
        Span<byte> seqText = stackalloc byte[20];
        seq.TryFormat(seqText, out var seqLength, default, CultureInfo.InvariantCulture);
        var frame = new byte[start.Length + Encoding.UTF8.GetByteCount(type) + beforePayload.Length + Encoding.UTF8.GetByteCount(payloadJson)
            + beforeSeq.Length + seqLength + 1];
        var rest = frame.AsSpan();
        rest = rest[Append(rest, start)..];
        rest = rest[Encoding.UTF8.GetBytes(type, rest)..];
        rest = rest[Append(rest, beforePayload)..];
        rest = rest[Encoding.UTF8.GetBytes(payloadJson, rest)..];
        rest = rest[Append(rest, beforeSeq)..];
        rest = rest[Append(rest, seqText[..seqLength])..];
        rest[0] = (byte)'}';
        return frame;
    }

    private static int Append(Span<byte> destination, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination);
        return bytes.Length;
    }

    public static byte[] Event(string type, object payload) => Write(type, null, payload);

    public static byte[] Ack(string requestId, object? payload) => Write(FrameTypes.Ack, requestId, payload ?? new { });

    public static byte[] Error(string? requestId, string code, string message) => Write(FrameTypes.Error, requestId, new { message, code });

    private static byte[] Write(string type, string? requestId, object payload) =>
        FrameEnvelope.Write(type, requestId, writer => JsonSerializer.Serialize(writer, payload, payload.GetType(), JsonDefaults.Options));
}
