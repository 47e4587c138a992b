using System.Net.Http.Headers;
using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Attachments;

/// <summary>Multipart uploads as a browser sends them.</summary>
public static class Uploads
{
    public static Task<HttpResponseMessage> UploadAsync(this HttpClient client, byte[] content, string fileName, string claimedType = "application/octet-stream",
        IReadOnlyDictionary<string, string>? fields = null, byte[]? thumbnail = null)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(claimedType);
        form.Add(file, "file", fileName);
        if (thumbnail is not null) form.Add(new ByteArrayContent(thumbnail), "thumbnail", "thumb.png");
        foreach (var (name, value) in fields ?? new Dictionary<string, string>()) form.Add(new StringContent(value), name);
        return client.PostAsync("/v1/attachments", form);
    }

    public static async Task<JsonElement> UploadedAsync(this HttpClient client, byte[] content, string fileName, string claimedType = "application/octet-stream") =>
        await client.UploadAsync(content, fileName, claimedType).ExpectJson(201);

    /// <summary>The content behind a signed URL, fetched with no credentials at all (as an img tag would).</summary>
    public static Task<HttpResponseMessage> FetchAsync(this ConfabServer server, string url, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        configure?.Invoke(request);
        return server.Anonymous().SendAsync(request);
    }

    public static async Task<byte[]> FetchBytesAsync(this ConfabServer server, string url)
    {
        using var response = await server.FetchAsync(url);
        Assert.True(response.IsSuccessStatusCode, $"{url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadAsByteArrayAsync();
    }
}
