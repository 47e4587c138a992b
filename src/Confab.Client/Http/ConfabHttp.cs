using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Confab.Client;

/// <summary>
/// The transport every REST client shares: sends a request with the client's credentials, reads the JSON
/// answer, and turns a failure status into a <see cref="ConfabApiException"/> from the problem body.
/// </summary>
internal sealed class ConfabHttp
{
    private readonly HttpClient http;
    private readonly Uri root;
    private readonly Action<HttpRequestHeaders> authenticate;

    /// <param name="http">A client whose <c>BaseAddress</c> is the server's root URL.</param>
    /// <param name="authenticate">Adds the credential headers to each request.</param>
    public ConfabHttp(HttpClient http, Action<HttpRequestHeaders> authenticate)
    {
        ArgumentNullException.ThrowIfNull(http);
        var baseAddress = http.BaseAddress ?? throw new ArgumentException("The HttpClient needs a BaseAddress: the Confab server's root URL.", nameof(http));
        this.http = http;
        this.authenticate = authenticate;
        root = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
    }

    /// <summary>A path segment from an ID, escaped.</summary>
    public static string Segment(string value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, name);
        return Uri.EscapeDataString(value);
    }

    public static HttpContent Json<T>(T body) => JsonContent.Create(body, ConfabJson.Info<T>());

    public Task<T> GetAsync<T>(string path, CancellationToken cancel) => SendAsync<T>(HttpMethod.Get, path, null, cancel);

    public async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? body, CancellationToken cancel) =>
        (await SendForStatusAsync<T>(method, path, body, cancel)).Value;

    /// <summary>Sends a request that answers 201 when it created something and 200 when it found it.</summary>
    public async Task<(T Value, bool Created)> SendForStatusAsync<T>(HttpMethod method, string path, HttpContent? body, CancellationToken cancel)
    {
        using var response = await SendCheckedAsync(method, path, body, cancel).ConfigureAwait(false);
        var value = await response.Content.ReadFromJsonAsync(ConfabJson.Info<T>(), cancel).ConfigureAwait(false)
            ?? throw new JsonException($"{method} {path} answered without a body.");
        return (value, response.StatusCode == HttpStatusCode.Created);
    }

    /// <summary>Sends a request that answers with no body (204).</summary>
    public async Task SendAsync(HttpMethod method, string path, HttpContent? body, CancellationToken cancel)
    {
        using var response = await SendCheckedAsync(method, path, body, cancel).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendCheckedAsync(HttpMethod method, string path, HttpContent? body, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(method, new Uri(root, path)) { Content = body };
        authenticate(request.Headers);
        var response = await http.SendAsync(request, cancel).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return response;
        using (response) throw await RefusalAsync(response, cancel).ConfigureAwait(false);
    }

    private static async Task<ConfabApiException> RefusalAsync(HttpResponseMessage response, CancellationToken cancel)
    {
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync(cancel).ConfigureAwait(false);
        ProblemBody? problem = null;
        try
        {
            if (text.Length > 0) problem = JsonSerializer.Deserialize(text, ConfabJson.Info<ProblemBody>());
        }
        catch (JsonException)
        {
            // Not a problem body (a proxy's page, say): the status speaks for itself.
        }
        return new ConfabApiException(status, problem?.Code ?? $"HTTP_{status}",
            problem?.Message ?? problem?.Detail ?? response.ReasonPhrase ?? $"The server answered {status}.");
    }
}
