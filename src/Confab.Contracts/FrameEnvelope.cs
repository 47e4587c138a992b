using System.Text.Json;

namespace Confab.Contracts;

/// <summary>The socket's JSON envelope <c>{ type, requestId?, payload }</c>, written as UTF-8.</summary>
public static class FrameEnvelope
{
    /// <summary>An envelope whose payload <paramref name="writePayload"/> writes (one JSON value).</summary>
    public static byte[] Write(string type, string? requestId, Action<Utf8JsonWriter> writePayload)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            if (requestId is not null) writer.WriteString("requestId", requestId);
            writer.WritePropertyName("payload");
            writePayload(writer);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
