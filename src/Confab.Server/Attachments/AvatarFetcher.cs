using System.Net;
using System.Net.Sockets;
using Confab.Server.Http;

namespace Confab.Server.Attachments;

/// <summary>
/// Fetches an avatar from a URL the tenant backend gave, guarded against server-side request forgery: http(s)
/// only, no proxy, every address the name resolves to must pass <see cref="FetchAddressPolicy"/> and the socket
/// connects to exactly those addresses (so a second DNS answer cannot swap in an internal one), redirects are
/// followed by hand under the same checks, and the whole fetch is bounded in time and size.
/// </summary>
public sealed class AvatarFetcher : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    public const int MaxRedirects = 3;

    private readonly HttpClient client;

    public AvatarFetcher(FetchAddressPolicy policy)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            ConnectCallback = async (context, cancel) =>
            {
                // An address literal is checked as it is (DNS refuses some, such as 0.0.0.0, with errors of its own).
                var host = context.DnsEndPoint.Host;
                var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancel);
                if (addresses.Length == 0 || !addresses.All(policy.IsAllowed)) throw new ForbiddenTargetException();
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancel);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd("Confab-Avatar-Fetcher/1.0");
    }

    public async Task<StagedFile> FetchAsync(string url, long maxBytes, string stagingDirectory)
    {
        var target = HttpTarget(url);
        using var deadline = new CancellationTokenSource(Timeout);
        try
        {
            for (var redirects = 0; ; redirects++)
            {
                using var response = await client.GetAsync(target, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
                if ((int)response.StatusCode is 301 or 302 or 303 or 307 or 308 && response.Headers.Location is { } location)
                {
                    if (redirects == MaxRedirects) throw Unavailable($"avatar.url redirects more than {MaxRedirects} times.");
                    target = HttpTarget(new Uri(target, location).ToString());
                    continue;
                }
                if (!response.IsSuccessStatusCode) throw Unavailable($"avatar.url answered {(int)response.StatusCode}.");
                if (response.Content.Headers.ContentLength > maxBytes)
                    throw new ApiException(413, ErrorCodes.PayloadTooLarge, $"The avatar is larger than the limit of {maxBytes} bytes.");
                await using var body = await response.Content.ReadAsStreamAsync(deadline.Token);
                return await StagedFile.ReceiveAsync(stagingDirectory, body, maxBytes, "avatar", deadline.Token);
            }
        }
        catch (HttpRequestException error) when (error.InnerException is ForbiddenTargetException)
        {
            throw Unavailable("avatar.url must point at a public address, not a private, loopback or link-local one.");
        }
        catch (Exception error) when (error is HttpRequestException or IOException)
        {
            throw Unavailable("avatar.url could not be fetched.");
        }
        catch (OperationCanceledException)
        {
            throw Unavailable($"Fetching avatar.url took longer than {Timeout.TotalSeconds:0} seconds.");
        }
    }

    private static Uri HttpTarget(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && string.IsNullOrEmpty(uri.UserInfo)
            ? uri
            : throw Unavailable("avatar.url must be an http or https URL without credentials.");

    private static ApiException Unavailable(string message) => ApiException.BadRequest(ErrorCodes.AvatarUnavailable, message);

    public void Dispose() => client.Dispose();

    private sealed class ForbiddenTargetException : IOException;
}
