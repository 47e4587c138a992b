using System.Text.Json;

namespace Confab.Contracts;

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

/// <summary>An uploaded file. <c>Url</c> and <c>ThumbnailUrl</c> are signed for the receiver and expire; ask again for fresh ones.</summary>
public sealed record Attachment(
    string Id, string Type, string Url, string? Name, string? MimeType, long? Size, int? Width, int? Height,
    double? Duration, string? ThumbnailUrl, string? Caption, JsonElement? Metadata = null);

public sealed record Reaction(string Emoji, int Count, bool ReactedByMe, IReadOnlyList<User> Users);
