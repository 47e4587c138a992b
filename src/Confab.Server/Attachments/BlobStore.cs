using System.Text.RegularExpressions;

namespace Confab.Server.Attachments;

/// <summary>
/// Where uploaded content lives, addressed by tenant and SHA-256. The embedded default is
/// <see cref="LocalDiskBlobStore"/>; an S3-compatible store implements the same five members
/// (taking staged files with a PUT, serving ranges from GETs).
/// </summary>
public interface IBlobStore
{
    /// <summary>A local directory for files being received, from which <see cref="PutAsync"/> takes them cheaply.</summary>
    string StagingDirectory { get; }

    /// <summary>Stores the staged file's content under <paramref name="key"/> unless it is there already; the staged file is consumed.</summary>
    Task PutAsync(string key, StagedFile file);

    /// <summary>The content as a seekable stream (for range requests), or null when there is none.</summary>
    Task<Stream?> OpenReadAsync(string key);

    Task DeleteAsync(string key);

    /// <summary>Deletes everything stored for a tenant (the tenant itself is being deleted).</summary>
    Task DeleteTenantAsync(string tenantId);
}

/// <summary>Blob keys: <c>{tenantId}/{first two hex digits}/{sha256}</c>.</summary>
public static partial class BlobKeys
{
    [GeneratedRegex("^[0-9A-Za-z_-]{1,64}/[0-9a-f]{2}/[0-9a-f]{64}\\z")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("^[0-9A-Za-z_-]{1,64}\\z")]
    private static partial Regex TenantIdPattern();

    [GeneratedRegex("^[0-9a-f]{64}\\z")]
    private static partial Regex Sha256Pattern();

    public static string For(string tenantId, string sha256) => $"{tenantId}/{sha256[..2]}/{sha256}";

    public static bool IsKey(string key) => KeyPattern().IsMatch(key);

    public static bool IsTenantId(string tenantId) => TenantIdPattern().IsMatch(tenantId);

    public static bool IsSha256(string? value) => value is not null && Sha256Pattern().IsMatch(value);
}
