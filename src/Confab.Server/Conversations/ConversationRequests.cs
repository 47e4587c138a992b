using System.Text.Json;

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

public sealed record AttachmentReference(string? Id);

public sealed record UpdateAvatarRequest(AttachmentReference? Attachment, string? AvatarUrl);

public sealed record AddMembersRequest(IReadOnlyList<string?>? UserIds);
