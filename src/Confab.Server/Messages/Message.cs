using System.Text.Json;
using Confab.Server.Attachments;
using Confab.Server.Receipts;
using Confab.Server.Users;

namespace Confab.Server.Messages;

/// <summary>The Message object of the contract. <c>Status</c>, <c>DeliveredTo</c> and <c>ReadBy</c> appear on the viewer's own messages.</summary>
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

public sealed record Reaction(string Emoji, int Count, bool ReactedByMe, IReadOnlyList<User> Users);

public static class MessageKinds
{
    public const string Text = "text";
    public const string Media = "media";
    public const string Voice = "voice";
    public const string System = "system";

    /// <summary>The kinds a user may send; <c>system</c> is for the tenant backend only.</summary>
    public static readonly IReadOnlyDictionary<string, string> UserSendable =
        new[] { Text, Media, Voice }.ToDictionary(k => k, k => k, StringComparer.Ordinal);

    public static readonly IReadOnlyDictionary<string, string> All =
        new[] { Text, Media, Voice, System }.ToDictionary(k => k, k => k, StringComparer.Ordinal);
}

public sealed class MessageRow
{
    public string TenantId { get; init; } = "";
    public string Id { get; init; } = "";
    public string ConversationId { get; init; } = "";
    public long Seq { get; set; }
    public string? SenderId { get; init; }
    public string Kind { get; init; } = MessageKinds.Text;
    public string? Text { get; set; }
    public string? ReplyToId { get; init; }
    public string? ForwardedFromUserId { get; init; }
    public string? ForwardedFromConversationId { get; init; }
    public string? ForwardedFromMessageId { get; init; }
    public string? Mentions { get; set; }
    public string? Metadata { get; set; }
    public string? ClientMessageId { get; init; }
    public long CreatedAt { get; init; }
    public long? UpdatedAt { get; set; }
    public long? EditedAt { get; set; }
    public long? DeletedAt { get; set; }

    public IReadOnlyList<string> MentionList => Mentions is null ? [] : JsonSerializer.Deserialize<string[]>(Mentions) ?? [];
}
