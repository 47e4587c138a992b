using System.Text;
using System.Text.Json;
using Confab.Contracts;
using Confab.Server.Http;

namespace Confab.Server.Realtime;

/// <summary>The socket's JSON envelopes, built once as UTF-8 bytes and shared by every connection that gets them.</summary>
public static class Frames
{
    /// <summary>A durable event: its payload is the log's JSON text, spliced in unparsed.</summary>
    public static byte[] Durable(string type, string payloadJson, long seq) =>
        Encoding.UTF8.GetBytes($$"""{"type":"{{type}}","payload":{{payloadJson}},"seq":{{seq}}}""");

    public static byte[] Event(string type, object payload) => Write(type, null, payload);

    public static byte[] Ack(string requestId, object? payload) => Write(FrameTypes.Ack, requestId, payload ?? new { });

    public static byte[] Error(string? requestId, string code, string message) => Write(FrameTypes.Error, requestId, new { message, code });

    private static byte[] Write(string type, string? requestId, object payload) =>
        FrameEnvelope.Write(type, requestId, writer => JsonSerializer.Serialize(writer, payload, payload.GetType(), JsonDefaults.Options));
}
