using System.Text.Json;

namespace Confab.Client;

/// <summary>
/// A conversation. The caller's own settings (<c>UnreadCount</c>, <c>Muted</c>, <c>Pinned</c>, <c>Archived</c>,
/// <c>MyRole</c>) are absent from event payloads; <c>Members</c> only comes with <c>GET /v1/conversations/{id}</c>.
/// </summary>
public sealed record Conversation(
    string Id,
    string Type,
    string? Title,
    string? Description,
    string? AvatarUrl,
    IReadOnlyList<User> Participants,
    int MemberCount,
    string? OwnerId,
    IReadOnlyList<string> AdminIds,
    string? PublicUsername,
    Message? LastMessage,
    long? UnreadCount,
    bool ReadOnly,
    JsonElement? Metadata,
    bool? Muted,
    DateTimeOffset? MutedUntil,
    bool? Pinned,
    bool? Archived,
    string? MyRole,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<Member>? Members);

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

/// <summary>
/// Changes to a conversation: the shared fields (managers only) and the caller's own settings (any member).
/// Only the properties set are sent; set one to null to clear it.
/// </summary>
public sealed class ConversationUpdate : PatchBody
{
    public string? Title { get; init { field = value; Mark(); } }
    public string? Description { get; init { field = value; Mark(); } }
    public bool? ReadOnly { get; init { field = value; Mark(); } }
    public JsonElement? Metadata { get; init { field = value; Mark(); } }
    public bool? Muted { get; init { field = value; Mark(); } }
    public DateTimeOffset? MutedUntil { get; init { field = value; Mark(); } }
    public bool? Pinned { get; init { field = value; Mark(); } }
    public bool? Archived { get; init { field = value; Mark(); } }
}

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
