namespace Confab.Server.Attachments;

/// <summary>A file ready to be served.</summary>
public sealed record ServedFile(Stream Content, string MimeType, string? Name, string Sha256);
