using Confab.Server.Hosting;
using Confab.Server.Storage;
using Confab.Server.Tenants;

namespace Confab.Server.Attachments;

/// <summary>Keeps staged files as the tenant's blobs, deduplicated by SHA-256, and opens them again.</summary>
public sealed class BlobStorage(Database database, AttachmentStore store, TenantService tenants, IBlobStore blobs, TimeProvider clock)
{
    public string StagingDirectory => blobs.StagingDirectory;

    /// <summary>
    /// Records the blob as freshly used first, so the collector (which skips recently touched blobs) cannot
    /// delete the content between this store and the row that will point at it; then stores the bytes. A deletion of
    /// the tenant that committed in between may have removed the tenant's files before these arrived: then they go too.
    /// </summary>
    public async Task KeepAsync(string tenantId, params (StagedFile File, string MimeType)[] files)
    {
        await database.WriteAsync(async db =>
        {
            foreach (var (file, mimeType) in files) await store.TouchBlobAsync(db, tenantId, file.Sha256, file.Size, mimeType, Time.Now(clock));
            await tenants.HoldAsync(db, tenantId);
        });
        var tenantGone = false;
        try
        {
            foreach (var (file, _) in files) await blobs.PutAsync(BlobKeys.For(tenantId, file.Sha256), file);
        }
        finally
        {
            tenantGone = !await tenants.ExistsAsync(tenantId);
            if (tenantGone) await blobs.DeleteTenantAsync(tenantId);
        }
        if (tenantGone) throw TenantService.NotFound();
    }

    public Task<Stream?> OpenAsync(string tenantId, string sha256) => blobs.OpenReadAsync(BlobKeys.For(tenantId, sha256));
}
