using System.Text.Json;
using System.Text.Json.Serialization;
using Confab.Server.Http;

namespace Confab.Server.Conversations;

public sealed record CreateConversationRequest(
    string? Type,
    IReadOnlyList<string?>? ParticipantIds,
    string? Title,
    string? Description,
    string? AvatarUrl,
    string? PublicUsername,
    bool? ReadOnly,
    JsonElement? Metadata);

/// <summary>Shared fields (managers only) and the caller's own settings (any member).</summary>
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

    [JsonIgnore]
    public bool ChangesShared => Has(nameof(Title)) || Has(nameof(Description)) || Has(nameof(ReadOnly)) || Has(nameof(Metadata));

    [JsonIgnore]
    public bool ChangesOwn => Has(nameof(Muted)) || Has(nameof(MutedUntil)) || Has(nameof(Pinned)) || Has(nameof(Archived));
}

public sealed record AttachmentReference(string? Id);

public sealed record UpdateAvatarRequest(AttachmentReference? Attachment, string? AvatarUrl);

public sealed record AddMembersRequest(IReadOnlyList<string?>? UserIds);

public sealed class UpdateMemberRequest : PatchRequest
{
    public string? Role { get; init { field = value; Mark(); } }
    public IReadOnlyList<string?>? Permissions { get; init { field = value; Mark(); } }
    public DateTimeOffset? MutedUntil { get; init { field = value; Mark(); } }
    public DateTimeOffset? BannedUntil { get; init { field = value; Mark(); } }
    public string? Title { get; init { field = value; Mark(); } }
}
