namespace Confab.Server.Attachments;

/// <summary>The Attachment object of the contract.</summary>
public sealed record Attachment(
    string Id, string Type, string Url, string? Name, string? MimeType, long? Size, int? Width, int? Height,
    double? Duration, string? ThumbnailUrl, string? Caption);
