using System.Text.Json;
using Confab.Server.Hosting;
using Confab.Server.Storage;

namespace Confab.Server.Conversations;

public sealed class ConversationRow
{
    public string TenantId { get; init; } = "";
    public string Id { get; init; } = "";
    public string Type { get; init; } = "";
    public string? Title { get; set; }
    public string? Description { get; set; }
    public string? AvatarUrl { get; set; }
    public string? PublicUsername { get; init; }
    public bool ReadOnly { get; set; }
    public string? Metadata { get; set; }
    public string? OwnerId { get; set; }
    public string? DirectKey { get; init; }
    public int MemberCount { get; set; }
    /// <summary>The newest message's seq; a write that stores messages advances it (see <see cref="ConversationStore.SetLastSeqAsync"/>).</summary>
    public long LastSeq { get; set; }
    public long ActivityAt { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; set; }

    public string SearchKey => SearchText.Key(Title, Description);

    public bool IsDirect => Type == ConversationTypes.Direct;

    /// <summary>A channel with a public username: any user of the tenant may read and join it.</summary>
    public bool IsPublic => Type == ConversationTypes.Channel && PublicUsername is not null;
}

public sealed class MemberRow
{
    public string TenantId { get; init; } = "";
    public string ConversationId { get; init; } = "";
    public string UserId { get; init; } = "";
    public string Role { get; set; } = Roles.Member;
    public string? Permissions { get; set; }
    public string? Title { get; set; }
    public long JoinedAt { get; init; }
    public long? MutedUntil { get; set; }
    public bool NotificationsMuted { get; set; }
    public long? NotificationsMutedUntil { get; set; }
    public bool Pinned { get; set; }
    public bool Archived { get; set; }
    public long LastReadSeq { get; init; }
    public long? LastReadAt { get; init; }
    public long LastDeliveredSeq { get; init; }

    public IReadOnlyList<string> EffectivePermissions =>
        Permissions is null ? Roles.DefaultPermissions(Role) : JsonSerializer.Deserialize<string[]>(Permissions) ?? [];

    public bool Can(string permission) => EffectivePermissions.Contains(permission);

    public bool IsMutedAt(long now) => MutedUntil is { } until && until > now;

    /// <summary>Notification mute as the caller sees it: on, and not yet expired.</summary>
    public bool NotificationsMutedAt(DateTimeOffset now) =>
        NotificationsMuted && (NotificationsMutedUntil is null || NotificationsMutedUntil > Time.ToMillis(now));
}
