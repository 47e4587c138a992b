namespace Confab.Client;

/// <summary>The JSON bodies the clients build from method arguments.</summary>
internal sealed record AddMembersBody(IReadOnlyList<string> UserIds);

internal sealed record EditMessageBody(string Text);

internal sealed record ForwardMessageBody(string TargetConversationId, string? Comment);

internal sealed record ReactionBody(string Emoji);

internal sealed record AvatarBody(string? AvatarUrl);

internal sealed record UploadedAvatarBody(AttachmentReference Attachment);

internal sealed record SessionBody(string UserId, long? TtlSeconds);

internal sealed record TenantNameBody(string Name);

/// <summary>The members of a problem response (RFC 9457 plus <c>code</c> and <c>message</c>) that errors carry.</summary>
internal sealed record ProblemBody(string? Title, string? Detail, string? Message, string? Code);
