namespace Confab.Client;

/// <summary>A member of a conversation: its role (owner, admin, moderator, member, guest) and effective permissions.</summary>
public sealed record Member(
    User User,
    string Role,
    IReadOnlyList<string> Permissions,
    DateTimeOffset JoinedAt,
    DateTimeOffset? MutedUntil,
    DateTimeOffset? BannedUntil,
    string? Title);

/// <summary>Changes to a member; only the properties set are sent (null clears, e.g. <c>Permissions = null</c> restores the role's defaults).</summary>
public sealed class MemberUpdate : PatchBody
{
    public string? Role { get; init { field = value; Mark(); } }
    public IReadOnlyList<string>? Permissions { get; init { field = value; Mark(); } }
    public DateTimeOffset? MutedUntil { get; init { field = value; Mark(); } }
    public DateTimeOffset? BannedUntil { get; init { field = value; Mark(); } }
    public string? Title { get; init { field = value; Mark(); } }
}
