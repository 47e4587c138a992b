namespace Confab.Contracts;

/// <summary>A member of a conversation: its role (owner, admin, moderator, member, guest) and effective permissions.</summary>
public sealed record Member(
    User User,
    string Role,
    IReadOnlyList<string> Permissions,
    DateTimeOffset JoinedAt,
    DateTimeOffset? MutedUntil,
    DateTimeOffset? BannedUntil,
    string? Title);

/// <summary>
/// Changes to a member (<c>PATCH /v1/conversations/{id}/members/{userId}</c>); only the properties set are sent
/// (null clears, e.g. <c>Permissions = null</c> restores the role's defaults).
/// </summary>
public sealed class UpdateMemberRequest : PatchRequest
{
    public string? Role { get; init { field = value; Mark(); } }
    public IReadOnlyList<string?>? Permissions { get; init { field = value; Mark(); } }
    public DateTimeOffset? MutedUntil { get; init { field = value; Mark(); } }
    public DateTimeOffset? BannedUntil { get; init { field = value; Mark(); } }
    public string? Title { get; init { field = value; Mark(); } }
}
