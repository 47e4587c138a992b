using Confab.Server.Conversations;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Storage;
using Confab.Server.Users;

namespace Confab.Server.Attachments;

/// <summary>Who an avatar belongs to: <c>user:{id}</c> or <c>conversation:{id}</c>.</summary>
public static class AvatarOwners
{
    public static string User(string userId) => "user:" + userId;

    public static string Conversation(string conversationId) => "conversation:" + conversationId;
}

/// <summary>
/// Avatars of users and conversations: an image the caller uploaded, or (from the tenant backend) one fetched
/// from a URL or given as base64. Each is checked to be an image by its bytes, kept once per SHA-256, and
/// handed out as a signed URL that does not expire. An avatar is served only while some owner uses it.
/// </summary>
public sealed class AvatarService(
    Database database, AttachmentStore attachments, AvatarStore store, BlobStorage blobs, AttachmentLinks links, AvatarFetcher fetcher, TimeProvider clock)
{
    public const long MaxAvatarBytes = 5 * 1024 * 1024;

    /// <summary>
    /// Fetches or decodes the server API's <c>avatar: { url }</c> or <c>{ base64 }</c> and keeps its content, before the
    /// caller's transaction (no network wait inside one); <see cref="UseAsync"/> then makes it the owner's avatar.
    /// Content no owner comes to use is collected like any unreferenced blob.
    /// </summary>
    public async Task<string> StoreAsync(string tenantId, AvatarSource source)
    {
        using var file = source switch
        {
            { Url: not null, Base64: not null } => throw ApiException.Invalid("avatar takes url or base64, not both."),
            { Url: { } url } => await fetcher.FetchAsync(url, MaxAvatarBytes, blobs.StagingDirectory),
            { Base64: { } data } => await StageBase64Async(data),
            _ => throw ApiException.Invalid("avatar needs url or base64."),
        };
        SniffedContent content;
        await using (var stream = file.OpenRead()) content = ContentSniffer.Sniff(stream, null);
        RequireImage(content.MimeType);
        await blobs.KeepAsync(tenantId, (file, content.MimeType));
        return file.Sha256;
    }

    /// <summary>Makes stored content the owner's avatar, in the caller's transaction; returns its URL under <paramref name="baseUrl"/>.</summary>
    public async Task<string> UseAsync(WriteSession db, string tenantId, string owner, string sha256, string baseUrl)
    {
        await store.SetAsync(db, tenantId, owner, sha256, Time.Now(clock));
        return links.AvatarUrl(baseUrl, tenantId, sha256);
    }

    /// <summary>Makes an image that <paramref name="uploaderId"/> uploaded the owner's avatar.</summary>
    public async Task<string> UseUploadAsync(WriteSession db, string tenantId, string uploaderId, string owner, string? attachmentId, string baseUrl)
    {
        var row = Check.IsGeneratedId(attachmentId) ? await attachments.FindAliveAsync(db, tenantId, attachmentId!) : null;
        if (row is null) throw ApiException.BadRequest(ErrorCodes.AttachmentNotFound, "No such uploaded attachment.");
        if (row.UploaderId != uploaderId) throw ApiException.Forbidden(ErrorCodes.AttachmentNotYours, "An avatar must be an image you uploaded.");
        RequireImage(row.MimeType);
        return await UseAsync(db, tenantId, owner, row.Sha256, baseUrl);
    }

    /// <summary>
    /// A client's avatar change: an image <paramref name="uploaderId"/> uploaded, or else a URL from elsewhere (or none),
    /// which ends the use of any stored avatar. Returns the URL to keep.
    /// </summary>
    public async Task<string?> ChangeAsync(
        WriteSession db, string tenantId, string owner, string uploaderId, AttachmentReference? upload, string? externalUrl, string baseUrl)
    {
        if (upload is not null) return await UseUploadAsync(db, tenantId, uploaderId, owner, upload.Id, baseUrl);
        await ClearAsync(db, tenantId, owner);
        return externalUrl;
    }

    /// <summary>The owner no longer uses a stored avatar (it took an external URL, none, or is gone).</summary>
    public Task ClearAsync(WriteSession db, string tenantId, string owner) => store.ClearAsync(db, tenantId, owner);

    public async Task<ServedFile?> OpenAsync(string tenantId, string sha256)
    {
        var mimeType = await database.ReadAsync(db => store.MimeTypeInUseAsync(db, tenantId, sha256));
        var content = mimeType is null ? null : await blobs.OpenAsync(tenantId, sha256);
        return content is null ? null : new ServedFile(content, mimeType!, null, sha256);
    }

    /// <summary>A data URI (<c>data:image/png;base64,…</c>) or bare base64; the declared type is ignored, the bytes decide.</summary>
    private async Task<StagedFile> StageBase64Async(string data)
    {
        var comma = data.IndexOf(',', StringComparison.Ordinal);
        if (data.StartsWith("data:", StringComparison.OrdinalIgnoreCase))
        {
            if (comma < 0 || !data[..comma].EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
                throw ApiException.Invalid("avatar.base64 must be base64 or a data: URI with ;base64.");
            data = data[(comma + 1)..];
        }
        var bytes = new byte[data.Length * 3 / 4 + 3];
        if (!Convert.TryFromBase64String(data, bytes, out var length) || length == 0)
            throw ApiException.Invalid("avatar.base64 is not valid base64.");
        using var stream = new MemoryStream(bytes, 0, length);
        return await StagedFile.ReceiveAsync(blobs.StagingDirectory, stream, MaxAvatarBytes, "avatar", CancellationToken.None);
    }

    private static void RequireImage(string mimeType)
    {
        if (!MediaTypes.IsDisplayableImage(mimeType))
            throw new ApiException(415, ErrorCodes.UnsupportedMediaType, $"An avatar must be a PNG, JPEG, GIF, WebP, BMP or AVIF image, not {mimeType}.");
    }
}
