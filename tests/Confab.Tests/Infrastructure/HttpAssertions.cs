using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Confab.Tests.Infrastructure;

/// <summary>Request shortcuts and response checks that show the body whenever a status is not the expected one.</summary>
public static class HttpAssertions
{
    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object? body) => client.PostAsJsonAsync(url, body);

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, object? body) => client.PutAsJsonAsync(url, body);

    public static Task<HttpResponseMessage> PatchJsonAsync(this HttpClient client, string url, object? body) => client.PatchAsJsonAsync(url, body);

    /// <summary>Sends a raw body (any text, any content type) to test what the server does with bad input.</summary>
    public static Task<HttpResponseMessage> SendRawAsync(this HttpClient client, HttpMethod method, string url, string? body, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, contentType);
        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> DeleteJsonAsync(this HttpClient client, string url, object body) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Delete, url) { Content = JsonContent.Create(body) });

    public static async Task<JsonElement> ExpectJson(this Task<HttpResponseMessage> pending, params int[] statuses)
    {
        var response = await pending;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(statuses.Contains((int)response.StatusCode),
            $"Expected {string.Join(" or ", statuses)} but got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task Expect(this Task<HttpResponseMessage> pending, int status)
    {
        var response = await pending;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status} but got {(int)response.StatusCode}: {text}");
    }

    /// <summary>Asserts a problem response with this status (and code, when given); returns the problem.</summary>
    public static async Task<JsonElement> ExpectProblem(this Task<HttpResponseMessage> pending, int status, string? code = null)
    {
        var response = await pending;
        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"Expected {status} {code} but got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("message").GetString()));
        Assert.Matches("^[A-Z][A-Z0-9_]*$", problem.GetProperty("code").GetString()!);
        if (code is not null) Assert.Equal(code, problem.GetProperty("code").GetString());
        return problem;
    }

    public static string Str(this JsonElement element, string property) =>
        element.GetProperty(property).GetString() ?? throw new InvalidOperationException($"{property} is null");

    public static string? StrOrNull(this JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static JsonElement[] Items(this JsonElement page) => page.GetProperty("items").EnumerateArray().ToArray();

    public static string? NextCursor(this JsonElement page) => page.GetProperty("nextCursor").GetString();
}
