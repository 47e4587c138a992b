namespace Confab.Server.Attachments;

public sealed class AttachmentRow
{
    public string TenantId { get; init; } = "";
    public string Id { get; init; } = "";
    public string UploaderId { get; init; } = "";
    public string Type { get; init; } = "";
    public string MimeType { get; init; } = "";
    public string? Name { get; init; }
    public long Size { get; init; }
    public int? Width { get; init; }
    public int? Height { get; init; }
    public double? Duration { get; init; }
    public string? Caption { get; init; }
    public string? Metadata { get; init; }
    public string Sha256 { get; init; } = "";
    public string? ThumbnailSha256 { get; init; }
    public string? ThumbnailMimeType { get; init; }
    public string? ConversationId { get; init; }
    public long CreatedAt { get; init; }

    /// <summary>Set when read with a message: which message holds it.</summary>
    public string? MessageId { get; init; }

    /// <summary>
    /// Whether it may still be served and sent: never held by a message yet, or held by a live one. A message
    /// deleted for everyone (or its conversation) releases its attachments, and one no message holds any more is gone.
    /// </summary>
    public bool Alive { get; init; } = true;
}
