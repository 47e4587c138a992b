using System.Text.Json;
using System.Text.Json.Nodes;

namespace Confab.Client;

/// <summary>One socket envelope: <c>{ type, requestId?, payload, seq? }</c>.</summary>
internal sealed record Frame(string Type, string? RequestId, JsonElement Payload, long? Seq)
{
    public static Frame Parse(ReadOnlyMemory<byte> utf8)
    {
        using var document = JsonDocument.Parse(utf8);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var type) || type.ValueKind != JsonValueKind.String)
            throw new JsonException("A frame is a JSON object with a string type.");
        var requestId = root.TryGetProperty("requestId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
        var payload = root.TryGetProperty("payload", out var p) ? p.Clone() : default;
        long? seq = root.TryGetProperty("seq", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : null;
        return new Frame(type.GetString()!, requestId, payload, seq);
    }

    /// <summary>A client request; without a requestId the server answers only if it fails.</summary>
    public static byte[] Request(string type, string? requestId, JsonObject? payload) =>
        FrameEnvelope.Write(type, requestId, writer => (payload ?? []).WriteTo(writer));

    public ConfabEvent ToEvent() => new(Type, Payload, Seq);

    /// <summary>The log position a <c>ready</c> or <c>resync.required</c> frame reports.</summary>
    public long PositionSeq() =>
        Payload.ValueKind == JsonValueKind.Object && Payload.TryGetProperty("seq", out var seq) && seq.TryGetInt64(out var value)
            ? value
            : throw new JsonException($"The {Type} frame has no seq.");

    /// <summary>The refusal an <c>error</c> frame carries.</summary>
    public ConfabApiException ToException()
    {
        string? Text(string name) =>
            Payload.ValueKind == JsonValueKind.Object && Payload.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        return new ConfabApiException(null, Text("code") ?? "ERROR", Text("message") ?? "The server refused the request.");
    }
}
