using System.Text.Json;

namespace Confab.Client;

/// <summary>
/// A message. <c>Seq</c> increases within its conversation. A message deleted for everyone is a tombstone
/// (<c>DeletedAt</c> set, text and attachments emptied). <c>Status</c>, <c>DeliveredTo</c> and <c>ReadBy</c>
/// appear on the viewer's own messages.
/// </summary>
public sealed record Message(
    string Id,
    string ConversationId,
    long Seq,
    User? Sender,
    string Kind,
    string? Text,
    IReadOnlyList<Attachment> Attachments,
    string? ReplyToId,
    Message? ReplyTo,
    User? ForwardedFrom,
    string? ForwardedFromConversationId,
    string? ForwardedFromMessageId,
    IReadOnlyList<string> Mentions,
    IReadOnlyList<Reaction> Reactions,
    bool Pinned,
    string? Status,
    IReadOnlyList<ReceiptEvent>? DeliveredTo,
    IReadOnlyList<ReceiptEvent>? ReadBy,
    string? ClientMessageId,
    JsonElement? Metadata,
    DateTimeOffset CreatedAt,
    DateTimeOffset? UpdatedAt,
    DateTimeOffset? EditedAt,
    DateTimeOffset? DeletedAt);

public sealed record Attachment(
    string Id, string Type, string Url, string? Name, string? MimeType, long? Size, int? Width, int? Height,
    double? Duration, string? ThumbnailUrl, string? Caption);

public sealed record Reaction(string Emoji, int Count, bool ReactedByMe, IReadOnlyList<User> Users);

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
