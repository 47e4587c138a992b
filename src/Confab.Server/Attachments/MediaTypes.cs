namespace Confab.Server.Attachments;

/// <summary>Which attachment type a mime type is, whether a tenant allows it, and whether browsers may show it inline.</summary>
public static class MediaTypes
{
    public const string Image = "image";
    public const string Video = "video";
    public const string Audio = "audio";
    public const string Voice = "voice";
    public const string File = "file";

    /// <summary>The types a client may ask for on upload; <c>location</c> and <c>contact</c> carry no file.</summary>
    public static readonly IReadOnlyDictionary<string, string> Uploadable =
        new[] { Image, Video, Audio, Voice, File }.ToDictionary(t => t, t => t, StringComparer.Ordinal);

    /// <summary>Raster images every browser renders and no browser runs: the only images shown inline or taken as avatars.</summary>
    private static readonly HashSet<string> DisplayableImages =
        new(["image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/avif"], StringComparer.Ordinal);

    public static string TypeOf(string mimeType) =>
        DisplayableImages.Contains(mimeType) || mimeType is "image/tiff" or "image/heic" ? Image
        : mimeType.StartsWith("video/", StringComparison.Ordinal) ? Video
        : mimeType.StartsWith("audio/", StringComparison.Ordinal) ? Audio
        : File;

    public static bool IsDisplayableImage(string mimeType) => DisplayableImages.Contains(mimeType);

    /// <summary>
    /// Served inline: displayable images, audio, video and plain text. Everything else (HTML, SVG, PDF,
    /// documents, executables) is served as a download, so a browser never runs it on this origin.
    /// </summary>
    public static bool IsInlineSafe(string mimeType) =>
        DisplayableImages.Contains(mimeType) || mimeType == "text/plain"
        || mimeType.StartsWith("audio/", StringComparison.Ordinal) || mimeType.StartsWith("video/", StringComparison.Ordinal);

    /// <summary>Whether <paramref name="mimeType"/> matches one of the tenant's patterns (<c>image/png</c>, <c>image/*</c>, <c>application/vnd.oasis.opendocument.*</c>).</summary>
    public static bool IsAllowed(string mimeType, IReadOnlyList<string> patterns) =>
        patterns.Any(pattern => pattern.EndsWith('*')
            ? mimeType.StartsWith(pattern[..^1], StringComparison.OrdinalIgnoreCase)
            : string.Equals(mimeType, pattern, StringComparison.OrdinalIgnoreCase));
}
