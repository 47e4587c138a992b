using System.Text.Json;
using Confab.Contracts;
using Confab.Server.Hosting;
using Confab.Server.Storage;

namespace Confab.Server.Users;

public sealed class UserRow
{
    public string TenantId { get; init; } = "";
    public string Id { get; init; } = "";
    public string Name { get; init; } = "";
    public string? Username { get; init; }
    public string? Email { get; init; }
    public string? AvatarUrl { get; init; }
    public string? StatusText { get; init; }
    public string Role { get; init; } = "user";
    public string? Metadata { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
    public long? DeletedAt { get; init; }
    public long? LastSeenAt { get; init; }

    public string SearchKey => SearchText.Key(Id, Name, Username);

    /// <summary>The user as other users see them.</summary>
    public User ToPublic() => new(Id, Name, Username, AvatarUrl, StatusText, null, Time.FromMillis(LastSeenAt), Role, ParseJson(Metadata), null, null, null, Time.FromMillis(DeletedAt));

    /// <summary>The user as the tenant backend, or the user themself, sees them.</summary>
    public User ToPrivate() => new(Id, Name, Username, AvatarUrl, StatusText, null, Time.FromMillis(LastSeenAt), Role, ParseJson(Metadata), Email,
        Time.FromMillis(CreatedAt), Time.FromMillis(UpdatedAt), Time.FromMillis(DeletedAt));

    public static JsonElement? ParseJson(string? json) => json is null ? null : JsonDocument.Parse(json).RootElement.Clone();
}
