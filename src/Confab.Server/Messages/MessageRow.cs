using System.Text.Json;

namespace Confab.Server.Messages;

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
