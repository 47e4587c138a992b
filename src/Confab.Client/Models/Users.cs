using System.Text.Json;

namespace Confab.Client;

/// <summary>Changes to one's own profile (<c>PATCH /v1/users/{id}</c>); only the properties set are sent.</summary>
public sealed class UpdateUserRequest : PatchRequest
{
    public string? Name { get; init { field = value; Mark(); } }
    public string? Username { get; init { field = value; Mark(); } }
    public string? AvatarUrl { get; init { field = value; Mark(); } }
    /// <summary>An image the user uploaded, to become the avatar (the server then sets <c>AvatarUrl</c>).</summary>
    public AttachmentReference? Avatar { get; init { field = value; Mark(); } }
    public string? StatusText { get; init { field = value; Mark(); } }
}

/// <summary>An uploaded attachment, named by its ID.</summary>
public sealed record AttachmentReference(string Id);

/// <summary>An avatar for the server to fetch from <c>Url</c> (public http(s) only) or decode from <c>Base64</c> (or a data: URI).</summary>
public sealed record AvatarSource
{
    public string? Url { get; init; }
    public string? Base64 { get; init; }
}

/// <summary>A user as the tenant backend creates or replaces it (<c>PUT /server/v1/users/{id}</c>).</summary>
public sealed record UpsertUserRequest
{
    public required string Name { get; init; }
    public string? Username { get; init; }
    public string? Email { get; init; }
    public string? AvatarUrl { get; init; }
    /// <summary>An image to fetch or decode and store as the avatar, instead of <c>AvatarUrl</c>.</summary>
    public AvatarSource? Avatar { get; init; }
    /// <summary><c>user</c> (default) or <c>admin</c>.</summary>
    public string? Role { get; init; }
    public JsonElement? Metadata { get; init; }
}

/// <summary>What <c>PUT /server/v1/users/{id}</c> did: the user, and whether it was created (201) rather than replaced (200).</summary>
public sealed record UpsertedUser(User User, bool Created);
