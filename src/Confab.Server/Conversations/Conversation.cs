using System.Text.Json;
using Confab.Server.Messages;
using Confab.Server.Users;

namespace Confab.Server.Conversations;

/// <summary>
/// The Conversation object of the contract. The caller's own settings (<c>unreadCount</c>, <c>muted</c>,
/// <c>pinned</c>, <c>archived</c>, <c>myRole</c>) are absent from event payloads, which every member shares.
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

/// <summary>The Member object of the contract.</summary>
public sealed record Member(
    User User,
    string Role,
    IReadOnlyList<string> Permissions,
    DateTimeOffset JoinedAt,
    DateTimeOffset? MutedUntil,
    DateTimeOffset? BannedUntil,
    string? Title);
