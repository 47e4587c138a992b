using System.Text;
using System.Text.Json;
using Confab.Server.Http;

namespace Confab.Server.Realtime;

/// <summary>The socket's JSON envelopes, built once as UTF-8 bytes and shared by every connection that gets them.</summary>
public static class Frames
{
    /// <summary>A durable event: its payload is the log's JSON text, spliced in unparsed.</summary>
    public static byte[] Durable(string type, string payloadJson, long seq) =>
        Encoding.UTF8.GetBytes($$"""{"type":"{{type}}","payload":{{payloadJson}},"seq":{{seq}}}""");

    public static byte[] Event(string type, object payload) => Write(type, null, payload);

    public static byte[] Ack(string requestId, object? payload) => Write("ack", requestId, payload ?? new { });

    public static byte[] Error(string? requestId, string code, string message) => Write("error", requestId, new { message, code });

    private static byte[] Write(string type, string? requestId, object payload)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            if (requestId is not null) writer.WriteString("requestId", requestId);
            writer.WritePropertyName("payload");
            JsonSerializer.Serialize(writer, payload, payload.GetType(), JsonDefaults.Options);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
