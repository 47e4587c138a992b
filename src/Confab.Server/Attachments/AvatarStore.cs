using Confab.Server.Storage;

namespace Confab.Server.Attachments;

/// <summary>The SQL of avatars in use: one stored image per user or conversation that has one.</summary>
public sealed class AvatarStore
{
    public Task SetAsync(DbSession db, string tenantId, string owner, string sha256, long now) => db.ExecuteAsync(
        """
        INSERT INTO avatars (tenant_id, owner, sha256, created_at) VALUES (@tenantId, @owner, @sha256, @now)
        ON CONFLICT (tenant_id, owner) DO UPDATE SET sha256 = excluded.sha256, created_at = excluded.created_at
        """, new { tenantId, owner, sha256, now });

    public Task ClearAsync(DbSession db, string tenantId, string owner) =>
        db.ExecuteAsync("DELETE FROM avatars WHERE tenant_id = @tenantId AND owner = @owner", new { tenantId, owner });

    /// <summary>The mime type of an image some user or conversation of the tenant uses as avatar; null when none does.</summary>
    public Task<string?> MimeTypeInUseAsync(DbSession db, string tenantId, string sha256) => db.QuerySingleOrDefaultAsync<string>(
        """
        SELECT b.mime_type FROM blobs b
        WHERE b.tenant_id = @tenantId AND b.sha256 = @sha256
          AND EXISTS (SELECT 1 FROM avatars v WHERE v.tenant_id = b.tenant_id AND v.sha256 = b.sha256)
        """, new { tenantId, sha256 });
}
