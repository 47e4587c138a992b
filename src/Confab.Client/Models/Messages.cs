using System.Text.Json;

namespace Confab.Client;

/// <summary>
/// A message to send. Sending is idempotent on <c>ClientMessageId</c>: sending the same one again returns the
/// original message, so set it to retry safely after a lost connection.
/// </summary>
public sealed record SendMessageRequest
{
    public string? Text { get; init; }
    /// <summary>text (default), media or voice; system is for the tenant backend.</summary>
    public string? Kind { get; init; }
    public string? ReplyToId { get; init; }
    /// <summary>IDs of uploaded attachments.</summary>
    public IReadOnlyList<string>? Attachments { get; init; }
    /// <summary>IDs of mentioned members.</summary>
    public IReadOnlyList<string>? Mentions { get; init; }
    public string? ClientMessageId { get; init; }
    public JsonElement? Metadata { get; init; }
}

/// <summary>What sending did: a repeated <c>ClientMessageId</c> returns the original message with Created false.</summary>
public sealed record SentMessage(Message Message, bool Created);

/// <summary>
/// Which page of history to read. With no anchor: newest first. <c>BeforeId</c> pages older than a message,
/// <c>AfterId</c> newer (oldest first), <c>AroundId</c> centres on one. <c>Cursor</c> continues a previous page.
/// </summary>
public sealed record MessageListQuery
{
    public string? Cursor { get; init; }
    public string? BeforeId { get; init; }
    public string? AfterId { get; init; }
    public string? AroundId { get; init; }
    public int? Limit { get; init; }
}

/// <summary>The optional parts of an upload.</summary>
public sealed record UploadOptions
{
    /// <summary>The conversation it is meant for: the upload is refused at once if the user may not send media there.</summary>
    public string? ConversationId { get; init; }
    /// <summary><c>file</c> to send anything as a document, <c>voice</c> for a voice note; otherwise the bytes decide.</summary>
    public string? Type { get; init; }
    public string? Caption { get; init; }
    public double? DurationSeconds { get; init; }
    public System.Text.Json.JsonElement? Metadata { get; init; }
    /// <summary>A small PNG, JPEG, GIF or WebP preview made by the client.</summary>
    public Stream? Thumbnail { get; init; }
}
