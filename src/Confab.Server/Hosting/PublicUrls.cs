using Microsoft.Extensions.Options;

namespace Confab.Server.Hosting;

/// <summary>Where clients reach this server: <c>Confab:PublicBaseUrl</c>, else the address a request came in on.</summary>
public sealed class PublicUrls(IOptions<ConfabOptions> options)
{
    private readonly string? configured = options.Value.PublicBaseUrl?.TrimEnd('/');

    /// <summary>The base URL, without a trailing slash, for links handed out in answer to <paramref name="request"/>.</summary>
    public string BaseOf(HttpRequest request) =>
        string.IsNullOrEmpty(configured) ? $"{request.Scheme}://{request.Host}{request.PathBase}" : configured;
}
