using System.Text.Json;

namespace Confab.Client;

/// <summary>A new conversation; the creator becomes its owner. <c>Type</c> is direct, group, channel or bot.</summary>
public sealed record CreateConversationRequest
{
    public required string Type { get; init; }
    public IReadOnlyList<string> ParticipantIds { get; init; } = [];
    public string? Title { get; init; }
    public string? Description { get; init; }
    public string? AvatarUrl { get; init; }
    public string? PublicUsername { get; init; }
    public bool? ReadOnly { get; init; }
    public JsonElement? Metadata { get; init; }
}

/// <summary>What creating a conversation did: a direct conversation that already exists comes back with Created false.</summary>
public sealed record CreatedConversation(Conversation Conversation, bool Created);

/// <summary>Filters of <c>GET /v1/conversations</c>; null means no filter (archived ones are left out unless <c>Archived</c> is true).</summary>
public sealed record ConversationListQuery
{
    public string? Type { get; init; }
    public bool? Pinned { get; init; }
    public bool? Muted { get; init; }
    public bool? Archived { get; init; }
    public bool? HasUnread { get; init; }
    /// <summary>Matches title and description.</summary>
    public string? Q { get; init; }
    /// <summary>The caller's role in the conversation.</summary>
    public string? Role { get; init; }
    public string? Cursor { get; init; }
    public int? Limit { get; init; }
}
