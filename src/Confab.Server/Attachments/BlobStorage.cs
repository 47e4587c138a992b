using Confab.Server.Hosting;
using Confab.Server.Storage;

namespace Confab.Server.Attachments;

/// <summary>Keeps staged files as the tenant's blobs, deduplicated by SHA-256, and opens them again.</summary>
public sealed class BlobStorage(Database database, AttachmentStore store, IBlobStore blobs, TimeProvider clock)
{
    public string StagingDirectory => blobs.StagingDirectory;

    /// <summary>
    /// Records the blob as freshly used first, so the collector (which skips recently touched blobs) cannot
    /// delete the content between this store and the row that will point at it; then stores the bytes.
    /// </summary>
    public async Task KeepAsync(string tenantId, params (StagedFile File, string MimeType)[] files)
    {
        await database.WriteAsync(async db =>
        {
            foreach (var (file, mimeType) in files) await store.TouchBlobAsync(db, tenantId, file.Sha256, file.Size, mimeType, Time.Now(clock));
        });
        foreach (var (file, _) in files) await blobs.PutAsync(BlobKeys.For(tenantId, file.Sha256), file);
    }

    public Task<Stream?> OpenAsync(string tenantId, string sha256) => blobs.OpenReadAsync(BlobKeys.For(tenantId, sha256));
}
