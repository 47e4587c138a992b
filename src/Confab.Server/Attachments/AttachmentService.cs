using System.Globalization;
using System.Text.Json;
using Confab.Contracts;
using Confab.Server.Conversations;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Identity;
using Confab.Server.Storage;
using Confab.Server.Tenants;

namespace Confab.Server.Attachments;

/// <summary>Uploads and their rules: content decides the type, tenant settings the limits; who may send and fetch what.</summary>
public sealed class AttachmentService(
    Database database, AttachmentStore store, TenantService tenants, AttachmentViews views, BlobStorage blobs, ConversationGuard guard, TimeProvider clock)
{
    public const long MaxThumbnailBytes = 1024 * 1024;
    public const int MaxNameLength = 255;
    public const double MaxDurationSeconds = 7 * 86_400;

    /// <summary>Keeps an upload received under <paramref name="settings"/> (the tenant's, read once for the whole request).</summary>
    public async Task<Attachment> CreateAsync(UserCaller caller, TenantSettings settings, UploadForm form)
    {
        var content = Sniff(form.File, form.FileName);
        if (!MediaTypes.IsAllowed(content.MimeType, settings.AllowedUploadTypes))
            throw new ApiException(415, ErrorCodes.UnsupportedMediaType, $"This file is {content.MimeType}, which this app does not accept.");
        var type = TypeFor(form.Type, content);
        var thumbnail = form.Thumbnail is null ? null : Sniff(form.Thumbnail, null);
        if (thumbnail is not null && !MediaTypes.IsDisplayableImage(thumbnail.MimeType))
            throw new ApiException(415, ErrorCodes.UnsupportedMediaType, "thumbnail must be a PNG, JPEG, GIF, WebP, BMP or AVIF image.");
        var caption = Check.OptionalText(form.Caption, "caption", settings.MaxMessageLength);
        var duration = Duration(form.Duration);
        var metadata = Metadata(form.Metadata);
        var conversationId = string.IsNullOrEmpty(form.ConversationId) ? null : form.ConversationId;
        if (conversationId is not null)
            await database.ReadAsync(async db => (await guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId)).Require(Permissions.SendMedia));

        await blobs.KeepAsync(caller.TenantId,
            form.Thumbnail is null ? [(form.File, content.MimeType)] : [(form.File, content.MimeType), (form.Thumbnail, thumbnail!.MimeType)]);
        var row = new AttachmentRow
        {
            TenantId = caller.TenantId, Id = Ids.New(clock), UploaderId = caller.UserId, Type = type, MimeType = content.MimeType,
            Name = CleanName(form.FileName), Size = form.File.Size, Width = content.Width, Height = content.Height, Duration = duration,
            Caption = caption, Metadata = metadata, Sha256 = form.File.Sha256,
            ThumbnailSha256 = form.Thumbnail?.Sha256, ThumbnailMimeType = thumbnail?.MimeType,
            ConversationId = conversationId, CreatedAt = Time.Now(clock),
        };
        await database.WriteAsync(async db =>
        {
            await store.InsertAsync(db, row);
            await tenants.HoldAsync(db, row.TenantId);
        });
        return views.Shape(row);
    }

    /// <summary>
    /// The attachments a new message names, in order: each must be alive, and (unless the tenant backend posts)
    /// uploaded by the sender.
    /// </summary>
    public async Task<IReadOnlyList<AttachmentRow>> RequireSendableAsync(DbSession db, string tenantId, string? senderId, bool byBackend, IReadOnlyList<string> ids)
    {
        var found = await store.FindManyAsync(db, tenantId, ids);
        foreach (var id in ids)
        {
            if (!found.TryGetValue(id, out var row) || !row.Alive)
                throw ApiException.BadRequest(ErrorCodes.AttachmentNotFound, $"No uploaded attachment {id}.");
            if (!byBackend && row.UploaderId != senderId)
                throw ApiException.Forbidden(ErrorCodes.AttachmentNotYours, "A message can only carry attachments its sender uploaded.");
        }
        return ids.Select(id => found[id]).ToList();
    }

    /// <summary>
    /// The content behind a signed link, when the attachment is alive and <paramref name="userId"/> (null: the
    /// tenant backend) may still see it; null otherwise.
    /// </summary>
    public async Task<ServedFile?> OpenAsync(string tenantId, string attachmentId, bool thumbnail, string? userId)
    {
        var row = await database.ReadAsync(db => store.FindVisibleAsync(db, tenantId, attachmentId, userId));
        var sha = thumbnail ? row?.ThumbnailSha256 : row?.Sha256;
        if (row is null || sha is null) return null;
        var content = await blobs.OpenAsync(tenantId, sha);
        return content is null ? null
            : new ServedFile(content, thumbnail ? row.ThumbnailMimeType! : row.MimeType, thumbnail ? null : row.Name, sha);
    }

    private static SniffedContent Sniff(StagedFile file, string? name)
    {
        using var stream = file.OpenRead();
        return ContentSniffer.Sniff(stream, name);
    }

    /// <summary>The client may ask for <c>file</c> (send anything as a document) or <c>voice</c> (for audio); any other type must be what the bytes are.</summary>
    private static string TypeFor(string? requested, SniffedContent content)
    {
        if (string.IsNullOrEmpty(requested)) return content.Type;
        var type = Check.OneOf(requested, "type", MediaTypes.Uploadable);
        if (type == MediaTypes.File || type == content.Type) return type;
        if (type == MediaTypes.Voice && content.Type == MediaTypes.Audio) return type;
        throw ApiException.Invalid($"type is {type}, but the file is {content.MimeType}.");
    }

    private static double? Duration(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || !double.IsFinite(seconds)
            || seconds < 0 || seconds > MaxDurationSeconds)
            throw ApiException.Invalid($"duration must be a number of seconds from 0 to {MaxDurationSeconds}.");
        return seconds;
    }

    private static string? Metadata(string? text)
    {
        if (string.IsNullOrEmpty(text)) return null;
        try
        {
            using var document = JsonDocument.Parse(text);
            return Check.Metadata(document.RootElement);
        }
        catch (JsonException)
        {
            throw ApiException.Invalid("metadata must be a JSON object.");
        }
    }

    /// <summary>The file name without any path, control characters or excess length; null when nothing is left.</summary>
    private static string? CleanName(string? name)
    {
        if (name is null) return null;
        var last = name.Replace('\\', '/').Split('/')[^1];
        var clean = new string(last.Where(c => !char.IsControl(c) && c is not '"').ToArray()).Trim();
        if (clean.Length > MaxNameLength) clean = clean[..(char.IsHighSurrogate(clean[MaxNameLength - 1]) ? MaxNameLength - 1 : MaxNameLength)];
        return clean.Length == 0 ? null : clean;
    }
}
