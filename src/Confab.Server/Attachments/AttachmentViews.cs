using Confab.Contracts;
using Confab.Server.Storage;
using Confab.Server.Users;

namespace Confab.Server.Attachments;

/// <summary>Attachment rows as the API shows them, with tokens in place of URLs (resolved for each receiver on the way out).</summary>
public sealed class AttachmentViews(AttachmentStore store, AttachmentLinks links)
{
    public Attachment Shape(AttachmentRow row) => new(
        row.Id, row.Type, links.Token(row.TenantId, row.Id, thumbnail: false), row.Name, row.MimeType, row.Size, row.Width, row.Height,
        row.Duration, row.ThumbnailSha256 is null ? null : links.Token(row.TenantId, row.Id, thumbnail: true), row.Caption, UserRow.ParseJson(row.Metadata));

    /// <summary>Each message's attachments, in order; messages without any are absent.</summary>
    public async Task<Dictionary<string, List<Attachment>>> ForMessagesAsync(DbSession db, string tenantId, IReadOnlyCollection<string> messageIds) =>
        (await store.ForMessagesAsync(db, tenantId, messageIds))
            .GroupBy(r => r.MessageId!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(Shape).ToList(), StringComparer.Ordinal);
}
