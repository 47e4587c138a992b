namespace Confab.Server.Attachments;

/// <summary>An upload as received: the staged file (and thumbnail) plus the optional form fields, unvalidated.</summary>
public sealed class UploadForm : IDisposable
{
    public required StagedFile File { get; init; }
    public string? FileName { get; init; }
    public StagedFile? Thumbnail { get; init; }
    public string? ConversationId { get; init; }
    public string? Type { get; init; }
    public string? Caption { get; init; }
    public string? Duration { get; init; }
    public string? Metadata { get; init; }

    public void Dispose()
    {
        File.Dispose();
        Thumbnail?.Dispose();
    }
}
