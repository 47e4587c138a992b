using System.Text.Json;

namespace Confab.Client;

/// <summary>Changes to one's own profile (<c>PATCH /v1/users/{id}</c>); only the properties set are sent.</summary>
public sealed class UpdateUserRequest : PatchRequest
{
    public string? Name { get; init { field = value; Mark(); } }
    public string? Username { get; init { field = value; Mark(); } }
    public string? AvatarUrl { get; init { field = value; Mark(); } }
    public string? StatusText { get; init { field = value; Mark(); } }
}

/// <summary>A user as the tenant backend creates or replaces it (<c>PUT /server/v1/users/{id}</c>).</summary>
public sealed record UpsertUserRequest
{
    public required string Name { get; init; }
    public string? Username { get; init; }
    public string? Email { get; init; }
    public string? AvatarUrl { get; init; }
    /// <summary><c>user</c> (default) or <c>admin</c>.</summary>
    public string? Role { get; init; }
    public JsonElement? Metadata { get; init; }
}

/// <summary>What <c>PUT /server/v1/users/{id}</c> did: the user, and whether it was created (201) rather than replaced (200).</summary>
public sealed record UpsertedUser(User User, bool Created);
