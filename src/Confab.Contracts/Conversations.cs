using System.Text.Json;

namespace Confab.Contracts;

/// <summary>
/// A conversation. The caller's own settings (<c>UnreadCount</c>, <c>UnreadMentionCount</c>, <c>Muted</c>, <c>Pinned</c>, <c>Archived</c>,
/// <c>MyRole</c>) are absent from event payloads, which every member shares; <c>Members</c> only comes with
/// <c>GET /v1/conversations/{id}</c>.
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
    long? UnreadMentionCount,
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

/// <summary>
/// Changes to a conversation (<c>PATCH /v1/conversations/{id}</c>): the shared fields (managers only) and the
/// caller's own settings (any member). Only the properties set are sent; set one to null to clear it.
/// </summary>
public sealed class UpdateConversationRequest : PatchRequest
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
