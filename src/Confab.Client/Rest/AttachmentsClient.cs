using System.Globalization;
using System.Net.Http.Headers;

namespace Confab.Client;

/// <summary>Uploads (<c>POST /v1/attachments</c>): the file is streamed, never buffered whole.</summary>
public sealed class AttachmentsClient
{
    private readonly ConfabHttp http;

    internal AttachmentsClient(ConfabHttp http) => this.http = http;

    /// <summary>
    /// Uploads <paramref name="content"/>; the server decides its type from the bytes. Send the returned
    /// attachment's ID in <see cref="SendMessageRequest.Attachments"/>. Its URLs are signed for this user and expire.
    /// </summary>
    public Task<Attachment> UploadAsync(Stream content, string fileName, UploadOptions? options = null, CancellationToken cancel = default)
    {
        var form = new MultipartFormDataContent();
        var file = new StreamContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        if (options?.Thumbnail is { } thumbnail) form.Add(new StreamContent(thumbnail), "thumbnail", "thumbnail");
        Field(form, "conversationId", options?.ConversationId);
        Field(form, "type", options?.Type);
        Field(form, "caption", options?.Caption);
        Field(form, "duration", options?.DurationSeconds?.ToString(CultureInfo.InvariantCulture));
        Field(form, "metadata", options?.Metadata?.GetRawText());
        return http.SendAsync<Attachment>(HttpMethod.Post, "v1/attachments", form, cancel);
    }

    private static void Field(MultipartFormDataContent form, string name, string? value)
    {
        if (value is not null) form.Add(new StringContent(value), name);
    }
}
