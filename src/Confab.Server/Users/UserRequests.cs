using System.Text.Json;
using Confab.Contracts;
using Confab.Server.Conversations;

namespace Confab.Server.Users;

public sealed record AvatarSource(string? Url, string? Base64);

public sealed record UpsertUserRequest(
    string? Name,
    string? Username,
    string? Email,
    string? AvatarUrl,
    AvatarSource? Avatar,
    string? Role,
    JsonElement? Metadata);

public sealed class UpdateUserRequest : PatchRequest
{
    public string? Name { get; init { field = value; Mark(); } }
    public string? Username { get; init { field = value; Mark(); } }
    public string? AvatarUrl { get; init { field = value; Mark(); } }
    public AttachmentReference? Avatar { get; init { field = value; Mark(); } }
    public string? StatusText { get; init { field = value; Mark(); } }
}

public static class UserRoles
{
    public const string User = "user";
    public const string Admin = "admin";

    public static readonly IReadOnlyDictionary<string, string> All =
        new[] { User, Admin }.ToDictionary(r => r, r => r, StringComparer.Ordinal);
}

public static class DeletedMessages
{
    public const string Keep = "keep";
    public const string Anonymize = "anonymize";
    public const string Delete = "delete";

    public static readonly IReadOnlyDictionary<string, string> All =
        new[] { Keep, Anonymize, Delete }.ToDictionary(r => r, r => r, StringComparer.Ordinal);
}
