using System.Text.Json;
using System.Text.Json.Serialization;
using Confab.Server.Http;

namespace Confab.Server.Messages;

public sealed record SendMessageRequest(
    string? Text,
    string? Kind,
    string? ReplyToId,
    IReadOnlyList<AttachmentRef?>? Attachments,
    IReadOnlyList<string?>? Mentions,
    string? ClientMessageId,
    JsonElement? Metadata,
    string? SenderId = null);

/// <summary>An attachment named by its ID, sent either as a bare string or as <c>{ "id": "..." }</c>.</summary>
[JsonConverter(typeof(AttachmentRefConverter))]
public sealed record AttachmentRef(string Id);

public sealed class AttachmentRefConverter : JsonConverter<AttachmentRef>
{
    public override AttachmentRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String) return new AttachmentRef(reader.GetString()!);
        using var document = JsonDocument.ParseValue(ref reader);
        if (document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
            return new AttachmentRef(id.GetString()!);
        throw new JsonException("An attachment is an ID or an object with an id.");
    }

    public override void Write(Utf8JsonWriter writer, AttachmentRef value, JsonSerializerOptions options) => writer.WriteStringValue(value.Id);
}

public sealed record EditMessageRequest(string? Text);

public sealed record ForwardMessageRequest(string? TargetConversationId, string? Comment);

public sealed record MessageQuery(string? Cursor, string? BeforeId, string? AfterId, string? AroundId, int Limit);

/// <summary>Message limits that do not come from tenant settings.</summary>
public static class MessageLimits
{
    public const int MaxClientMessageIdLength = 128;
    public const int MaxMentions = 100;
    public const int MaxAttachments = 10;

    public static string? ClientMessageId(string? value) => Check.Length(string.IsNullOrEmpty(value) ? null : value, "clientMessageId", MaxClientMessageIdLength);
}
