using Confab.Server.Storage;

namespace Confab.Server.Attachments;

/// <summary>The SQL of attachments, the blobs they point at, the messages that hold them, and avatars.</summary>
public sealed class AttachmentStore
{
    private const string Columns =
        "a.tenant_id, a.id, a.uploader_id, a.type, a.mime_type, a.name, a.size, a.width, a.height, a.duration, a.caption, a.metadata, " +
        "a.sha256, a.thumbnail_sha256, a.thumbnail_mime_type, a.conversation_id, a.created_at";

    private const string IsAlive =
        "(a.attached = FALSE OR EXISTS (SELECT 1 FROM message_attachments l WHERE l.tenant_id = a.tenant_id AND l.attachment_id = a.id))";

    public Task InsertAsync(DbSession db, AttachmentRow row) => db.ExecuteAsync(
        """
        INSERT INTO attachments (tenant_id, id, uploader_id, type, mime_type, name, size, width, height, duration, caption, metadata,
                                 sha256, thumbnail_sha256, thumbnail_mime_type, conversation_id, created_at)
        VALUES (@TenantId, @Id, @UploaderId, @Type, @MimeType, @Name, @Size, @Width, @Height, @Duration, @Caption, @Metadata,
                @Sha256, @ThumbnailSha256, @ThumbnailMimeType, @ConversationId, @CreatedAt)
        """, row);

    /// <summary>Records the blob (or marks it freshly used), so the collector leaves it alone while an upload stores and uses it.</summary>
    public Task TouchBlobAsync(DbSession db, string tenantId, string sha256, long size, string mimeType, long now) => db.ExecuteAsync(
        """
        INSERT INTO blobs (tenant_id, sha256, size, mime_type, touched_at) VALUES (@tenantId, @sha256, @size, @mimeType, @now)
        ON CONFLICT (tenant_id, sha256) DO UPDATE SET touched_at = excluded.touched_at
        """, new { tenantId, sha256, size, mimeType, now });

    public Task<Dictionary<string, AttachmentRow>> FindManyAsync(DbSession db, string tenantId, IReadOnlyCollection<string> ids) =>
        db.FindByKeysAsync<AttachmentRow>($"SELECT {Columns}, {IsAlive} AS alive FROM attachments a WHERE a.tenant_id = @tenantId AND a.id", tenantId, ids, r => r.Id);

    /// <summary>The attachment, when it is still alive.</summary>
    public async Task<AttachmentRow?> FindAliveAsync(DbSession db, string tenantId, string id) =>
        (await FindManyAsync(db, tenantId, [id])).GetValueOrDefault(id) is { Alive: true } row ? row : null;

    /// <summary>
    /// The attachment, when it is alive and <paramref name="userId"/> (null: the tenant backend) may see it: its uploader,
    /// or a member of a conversation (or any user, for a public channel) where a message holds it.
    /// </summary>
    public Task<AttachmentRow?> FindVisibleAsync(DbSession db, string tenantId, string id, string? userId) => db.QuerySingleOrDefaultAsync<AttachmentRow>(
        $"""
        SELECT {Columns} FROM attachments a
        WHERE a.tenant_id = @tenantId AND a.id = @id
          AND {IsAlive}
          AND (@userId IS NULL OR a.uploader_id = @userId OR EXISTS (
                SELECT 1 FROM message_attachments l
                JOIN conversations c ON c.tenant_id = l.tenant_id AND c.id = l.conversation_id
                WHERE l.tenant_id = a.tenant_id AND l.attachment_id = a.id
                  AND ((c.type = 'channel' AND c.public_username IS NOT NULL)
                       OR EXISTS (SELECT 1 FROM members m WHERE m.tenant_id = c.tenant_id AND m.conversation_id = c.id AND m.user_id = @userId))))
        """, new { tenantId, id, userId });

    /// <summary>The attachments these messages hold, each message's in its order.</summary>
    public Task<IReadOnlyList<AttachmentRow>> ForMessagesAsync(DbSession db, string tenantId, IReadOnlyCollection<string> messageIds) =>
        messageIds.Count == 0
            ? Task.FromResult<IReadOnlyList<AttachmentRow>>([])
            : db.QueryAsync<AttachmentRow>(
                $"""
                SELECT {Columns}, l.message_id FROM message_attachments l
                JOIN attachments a ON a.tenant_id = l.tenant_id AND a.id = l.attachment_id
                WHERE l.tenant_id = @tenantId AND l.message_id {db.Dialect.AnyOf("@messageIds")} ORDER BY l.message_id, l.position
                """, new { tenantId, messageIds = messageIds.ToArray() });

    public Task<IReadOnlyList<string>> IdsOfMessageAsync(DbSession db, string tenantId, string messageId) => db.QueryAsync<string>(
        "SELECT attachment_id FROM message_attachments WHERE tenant_id = @tenantId AND message_id = @messageId ORDER BY position",
        new { tenantId, messageId });

    /// <summary>Makes the message hold these attachments, in this order.</summary>
    public async Task LinkAsync(DbSession db, string tenantId, string conversationId, string messageId, IReadOnlyList<string> attachmentIds)
    {
        for (var position = 0; position < attachmentIds.Count; position++)
        {
            await db.ExecuteAsync(
                """
                INSERT INTO message_attachments (tenant_id, message_id, position, attachment_id, conversation_id)
                VALUES (@tenantId, @messageId, @position, @attachmentId, @conversationId)
                """, new { tenantId, messageId, position, attachmentId = attachmentIds[position], conversationId });
        }
        if (attachmentIds.Count > 0)
            await db.ExecuteAsync($"UPDATE attachments SET attached = TRUE WHERE tenant_id = @tenantId AND id {db.Dialect.AnyOf("@attachmentIds")} AND attached = FALSE",
                new { tenantId, attachmentIds = attachmentIds.ToArray() });
    }

    /// <summary>A message deleted for everyone lets go of its attachments; those no other message holds are deleted.</summary>
    public Task ReleaseMessageAsync(DbSession db, string tenantId, string messageId) => ReleaseAsync(db, tenantId, "message_id", messageId);

    /// <summary>A deleted conversation lets go of all its messages' attachments.</summary>
    public Task ReleaseConversationAsync(DbSession db, string tenantId, string conversationId) => ReleaseAsync(db, tenantId, "conversation_id", conversationId);

    private static async Task ReleaseAsync(DbSession db, string tenantId, string linkColumn, string key)
    {
        await db.ExecuteAsync(
            $"""
            DELETE FROM attachments WHERE tenant_id = @tenantId
              AND id IN (SELECT attachment_id FROM message_attachments WHERE tenant_id = @tenantId AND {linkColumn} = @key)
              AND NOT EXISTS (SELECT 1 FROM message_attachments o WHERE o.tenant_id = @tenantId AND o.attachment_id = attachments.id AND o.{linkColumn} <> @key)
            """, new { tenantId, key });
        await db.ExecuteAsync($"DELETE FROM message_attachments WHERE tenant_id = @tenantId AND {linkColumn} = @key", new { tenantId, key });
    }

    /// <summary>Deletes uploads no message took before <paramref name="createdBefore"/>.</summary>
    public Task<int> DeleteUnattachedAsync(DbSession db, string tenantId, long createdBefore) => db.ExecuteAsync(
        "DELETE FROM attachments WHERE tenant_id = @tenantId AND attached = FALSE AND created_at < @createdBefore", new { tenantId, createdBefore });

    private const string Unreferenced =
        """
        NOT EXISTS (SELECT 1 FROM attachments a WHERE a.tenant_id = b.tenant_id AND a.sha256 = b.sha256)
        AND NOT EXISTS (SELECT 1 FROM attachments a WHERE a.tenant_id = b.tenant_id AND a.thumbnail_sha256 = b.sha256)
        AND NOT EXISTS (SELECT 1 FROM avatars v WHERE v.tenant_id = b.tenant_id AND v.sha256 = b.sha256)
        """;

    /// <summary>Blobs nothing points at and no upload touched since <paramref name="touchedBefore"/>.</summary>
    public Task<IReadOnlyList<string>> UnreferencedBlobsAsync(DbSession db, string tenantId, long touchedBefore, int limit) => db.QueryAsync<string>(
        $"SELECT b.sha256 FROM blobs b WHERE b.tenant_id = @tenantId AND b.touched_at < @touchedBefore AND {Unreferenced} ORDER BY b.sha256 LIMIT @limit",
        new { tenantId, touchedBefore, limit });

    /// <summary>Deletes those of <paramref name="candidates"/> that are still unreferenced and untouched; returns the ones deleted.</summary>
    public Task<IReadOnlyList<string>> DeleteBlobsAsync(DbSession db, string tenantId, IReadOnlyList<string> candidates, long touchedBefore) => db.QueryAsync<string>(
        $"DELETE FROM blobs AS b WHERE b.tenant_id = @tenantId AND b.sha256 {db.Dialect.AnyOf("@candidates")} AND b.touched_at < @touchedBefore AND {Unreferenced} RETURNING sha256",
        new { tenantId, candidates = candidates.ToArray(), touchedBefore });

    /// <summary>A deleted user's uploads pass to the placeholder that took its messages, so a later user with the same ID inherits none.</summary>
    public Task ReassignUploaderAsync(DbSession db, string tenantId, string fromUserId, string toUserId) => db.ExecuteAsync(
        "UPDATE attachments SET uploader_id = @toUserId WHERE tenant_id = @tenantId AND uploader_id = @fromUserId", new { tenantId, fromUserId, toUserId });
}
