using System.Globalization;
using Confab.Contracts;
using Confab.Server.Http;
using Confab.Server.Identity;
using Confab.Server.Tenants;
using Microsoft.Net.Http.Headers;

namespace Confab.Server.Attachments;

public static class AttachmentEndpoints
{
    /// <summary>Browsers may cache an avatar for good: its URL names its content.</summary>
    private const string AvatarCaching = "public, max-age=31536000, immutable";

    /// <summary>HEAD too, for download managers and media players that look before they fetch.</summary>
    private static readonly string[] ReadMethods = ["GET", "HEAD"];

    public static void MapAttachmentEndpoints(this RouteGroupBuilder client, IEndpointRouteBuilder app)
    {
        client.MapPost("/attachments", async (HttpRequest request, UserCaller caller, TenantService tenants, BlobStorage blobs, AttachmentService attachments) =>
            {
                var settings = await tenants.CachedSettingsAsync(caller.TenantId);
                using var form = await UploadReader.ReadAsync(request, settings.MaxUploadBytes, blobs.StagingDirectory);
                var attachment = await attachments.CreateAsync(caller, settings, form);
                return Results.Created((string?)null, attachment);
            })
            .WithSummary("Upload a file (multipart/form-data: file, and optional thumbnail, conversationId, type, caption, duration, metadata)")
            .Accepts<IFormFile>("multipart/form-data").Produces<Attachment>(201).Fails(403, 404, 413, 415);

        app.MapMethods("/files/{tenantId}/{attachmentId}", ReadMethods, (string tenantId, string attachmentId, string? user, long? expires, string? signature,
                HttpContext context, AttachmentLinks links, AttachmentService attachments, TimeProvider clock) =>
                ServeAsync(context, links, attachments, clock, tenantId, attachmentId, thumbnail: false, user, expires, signature))
            .WithTags("Files").WithSummary("An attachment's bytes, through the signed URL the API handed out").Fails(403, 404);

        app.MapMethods("/files/{tenantId}/{attachmentId}/thumbnail", ReadMethods, (string tenantId, string attachmentId, string? user, long? expires, string? signature,
                HttpContext context, AttachmentLinks links, AttachmentService attachments, TimeProvider clock) =>
                ServeAsync(context, links, attachments, clock, tenantId, attachmentId, thumbnail: true, user, expires, signature))
            .WithTags("Files").WithSummary("An attachment's thumbnail, through its signed URL").Fails(403, 404);

        app.MapMethods("/avatars/{tenantId}/{sha256}", ReadMethods, async (string tenantId, string sha256, string? signature, HttpContext context,
                AttachmentLinks links, AvatarService avatars) =>
            {
                if (!BlobKeys.IsSha256(sha256) || !links.CheckAvatar(tenantId, sha256, signature))
                    throw ApiException.Forbidden(ErrorCodes.InvalidSignature, "This avatar link is not valid.");
                var file = await avatars.OpenAsync(tenantId, sha256) ?? throw ApiException.NotFound(ErrorCodes.NotFound, "No such avatar.");
                return Serve(context, file, AvatarCaching);
            })
            .WithTags("Files").WithSummary("An avatar image, through the signed URL in avatarUrl").Fails(403, 404);
    }

    private static async Task<IResult> ServeAsync(HttpContext context, AttachmentLinks links, AttachmentService attachments, TimeProvider clock,
        string tenantId, string attachmentId, bool thumbnail, string? user, long? expires, string? signature)
    {
        switch (links.CheckFile(tenantId, attachmentId, thumbnail, user, expires, signature))
        {
            case LinkCheck.Invalid: throw ApiException.Forbidden(ErrorCodes.InvalidSignature, "This attachment link is not valid.");
            case LinkCheck.Expired: throw ApiException.Forbidden(ErrorCodes.LinkExpired, "This attachment link has expired; load the message again for a fresh one.");
        }
        var file = await attachments.OpenAsync(tenantId, attachmentId, thumbnail, user)
            ?? throw ApiException.NotFound(ErrorCodes.AttachmentNotFound, "No such attachment, or it is no longer yours to see.");
        var secondsLeft = Math.Max(0, expires!.Value - clock.GetUtcNow().ToUnixTimeSeconds());
        return Serve(context, file, $"private, max-age={secondsLeft.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>
    /// The bytes with their type, length and ranges. Only content no browser runs is shown inline; the rest is a
    /// download, with <c>nosniff</c> and a sandboxing policy in case a browser tries anyway.
    /// </summary>
    private static IResult Serve(HttpContext context, ServedFile file, string caching)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        headers.CacheControl = caching;
        var disposition = new ContentDispositionHeaderValue(MediaTypes.IsInlineSafe(file.MimeType) ? "inline" : "attachment");
        if (file.Name is not null) disposition.SetHttpFileName(file.Name);
        headers.ContentDisposition = disposition.ToString();
        return Results.Stream(file.Content, file.MimeType, entityTag: new EntityTagHeaderValue($"\"{file.Sha256}\""), enableRangeProcessing: true);
    }
}
