using System.Text;
using Confab.Server.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Confab.Server.Attachments;

/// <summary>
/// Reads a <c>multipart/form-data</c> upload section by section: the <c>file</c> and <c>thumbnail</c> parts are
/// streamed to staged files under their limits, the small text fields are kept, unknown fields are skipped.
/// A malformed or truncated body is a 400 and leaves nothing behind.
/// </summary>
public static class UploadReader
{
    public const int MaxFieldBytes = 16 * 1024;
    public const int MaxSections = 16;
    private const int MaxBoundaryLength = 70;
    private static readonly string[] Fields = ["conversationId", "type", "caption", "duration", "metadata"];

    public static async Task<UploadForm> ReadAsync(HttpRequest request, long maxFileBytes, string stagingDirectory)
    {
        var boundary = Boundary(request.ContentType);
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
            bodyLimit.MaxRequestBodySize = maxFileBytes + AttachmentService.MaxThumbnailBytes + MaxSections * MaxFieldBytes;

        StagedFile? file = null, thumbnail = null;
        string? fileName = null;
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            var reader = new MultipartReader(boundary, request.Body) { HeadersCountLimit = 8, HeadersLengthLimit = 4096 };
            var sections = 0;
            var cancel = request.HttpContext.RequestAborted;
            while (await reader.ReadNextSectionAsync(cancel) is { } section)
            {
                if (++sections > MaxSections) throw Malformed($"An upload has at most {MaxSections} parts.");
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
                    || HeaderUtilities.RemoveQuotes(disposition.Name).Value is not { Length: > 0 } name)
                    throw Malformed("Each part needs a Content-Disposition: form-data header with a name.");
                switch (name)
                {
                    case "file" when file is null:
                        fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar).Value ?? HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                        file = await StagedFile.ReceiveAsync(stagingDirectory, section.Body, maxFileBytes, "file", cancel);
                        break;
                    case "thumbnail" when thumbnail is null:
                        thumbnail = await StagedFile.ReceiveAsync(stagingDirectory, section.Body, AttachmentService.MaxThumbnailBytes, "thumbnail", cancel);
                        break;
                    case "file" or "thumbnail":
                        throw Malformed($"Send one {name} part.");
                    default:
                        var value = await ReadFieldAsync(section.Body, name, cancel);
                        if (Fields.Contains(name) && !fields.TryAdd(name, value)) throw Malformed($"Send the {name} field once.");
                        break;
                }
            }
            if (file is null) throw ApiException.Invalid("The upload needs a file part named file.");
            return new UploadForm
            {
                File = file, FileName = fileName, Thumbnail = thumbnail,
                ConversationId = fields.GetValueOrDefault("conversationId"), Type = fields.GetValueOrDefault("type"),
                Caption = fields.GetValueOrDefault("caption"), Duration = fields.GetValueOrDefault("duration"), Metadata = fields.GetValueOrDefault("metadata"),
            };
        }
        catch (Exception error)
        {
            file?.Dispose();
            thumbnail?.Dispose();
            if (error is IOException or InvalidDataException && error is not BadHttpRequestException)
                throw Malformed("The multipart body is malformed or ends early.");
            throw;
        }
    }

    private static string Boundary(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
            throw new ApiException(415, ErrorCodes.UnsupportedMediaType, "Send the upload as multipart/form-data with a part named file.");
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrWhiteSpace(boundary) || boundary.Length > MaxBoundaryLength)
            throw Malformed("The multipart Content-Type needs a boundary of 1 to 70 characters.");
        return boundary;
    }

    private static async Task<string> ReadFieldAsync(Stream body, string name, CancellationToken cancel)
    {
        var buffer = new byte[MaxFieldBytes + 1];
        var length = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancel);
        if (length > MaxFieldBytes) throw ApiException.Invalid($"The {name} field is longer than {MaxFieldBytes} bytes.");
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(buffer, 0, length);
        }
        catch (DecoderFallbackException)
        {
            throw ApiException.Invalid($"The {name} field is not UTF-8 text.");
        }
    }

    private static ApiException Malformed(string message) => ApiException.BadRequest(ErrorCodes.InvalidMultipart, message);
}
