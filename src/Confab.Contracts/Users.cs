using System.Text.Json;

namespace Confab.Contracts;

/// <summary>
/// A user of the tenant. <c>Email</c>, <c>CreatedAt</c> and <c>UpdatedAt</c> are shown only to the tenant backend
/// and to the user itself.
/// </summary>
public sealed record User(
    string Id,
    string Name,
    string? Username,
    string? AvatarUrl,
    string? StatusText,
    string? Presence,
    DateTimeOffset? LastSeenAt,
    string Role,
    JsonElement? Metadata,
    string? Email,
    DateTimeOffset? CreatedAt,
    DateTimeOffset? UpdatedAt,
    DateTimeOffset? DeletedAt);
