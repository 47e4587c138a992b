using System.Net;
using System.Net.Sockets;
using Confab.Server.Attachments;
using Confab.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Confab.Tests.Attachments;

/// <summary>
/// Fetching avatars by URL from a real HTTP server. Tests can only reach loopback, which the real policy refuses
/// (see <see cref="AvatarTests"/>), so this server widens the address policy to loopback and nothing else.
/// </summary>
public sealed class LoopbackFetchServer : ConfabServer
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.Replace(ServiceDescriptor.Singleton<FetchAddressPolicy>(new LoopbackAllowed())));
    }

    private sealed class LoopbackAllowed : FetchAddressPolicy
    {
        public override bool IsAllowed(IPAddress address) => IPAddress.IsLoopback(address) || base.IsAllowed(address);
    }
}

public sealed class AvatarFetchTests(LoopbackFetchServer server) : IClassFixture<LoopbackFetchServer>, IAsyncLifetime
{
    private static readonly byte[] Photo = TestFiles.Jpeg(200, 100);
    private WebApplication? origin;
    private string originUrl = "";

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        origin = builder.Build();
        origin.MapGet("/photo.jpg", () => Results.Bytes(Photo, "image/jpeg"));
        origin.MapGet("/moved", () => Results.Redirect("/photo.jpg"));
        origin.MapGet("/loop", () => Results.Redirect("/loop"));
        origin.MapGet("/huge", () => Results.Bytes(new byte[AvatarService.MaxAvatarBytes + 1], "image/png"));
        origin.MapGet("/page", () => Results.Content("<html><body>hi</body></html>", "text/html"));
        origin.MapGet("/missing", () => Results.NotFound());
        origin.MapGet("/slow", async (HttpContext context) =>
        {
            await context.Response.Body.WriteAsync(Photo.AsMemory(0, 10));
            await context.Response.Body.FlushAsync();
            await Task.Delay(AvatarFetcher.Timeout + TimeSpan.FromSeconds(5), context.RequestAborted);
        });
        await origin.StartAsync();
        originUrl = origin.Urls.First();
    }

    public async Task DisposeAsync()
    {
        if (origin is not null) await origin.DisposeAsync();
    }

    [Fact]
    public async Task An_avatar_url_is_fetched_following_redirects_and_stored_as_an_image()
    {
        var tenant = await server.NewTenantAsync();

        var ava = await tenant.Backend.PutJsonAsync("/server/v1/users/ava", new { name = "Ava", avatar = new { url = $"{originUrl}/moved" } }).ExpectJson(201);

        Assert.StartsWith(server.ClientOptions.BaseAddress.ToString().TrimEnd('/') + "/avatars/", ava.Str("avatarUrl"), StringComparison.Ordinal);
        Assert.Equal(Photo, await server.FetchBytesAsync(ava.Str("avatarUrl")));
    }

    [Fact]
    public async Task A_host_that_never_answers_is_refused_within_the_time_limit()
    {
        // A listener whose accept queue is full: the kernel drops further connection attempts, so connecting hangs.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var fillers = Enumerable.Range(0, 4).Select(_ => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)).ToList();
        foreach (var filler in fillers) _ = filler.ConnectAsync(IPAddress.Loopback, port);
        var tenant = await server.NewTenantAsync();

        try
        {
            await tenant.Backend.PutJsonAsync("/server/v1/users/ava", new { name = "Ava", avatar = new { url = $"http://127.0.0.1:{port}/a.png" } })
                .ExpectProblem(400, "AVATAR_UNAVAILABLE");
        }
        finally
        {
            foreach (var filler in fillers) filler.Dispose();
        }
    }

    [Theory]
    [InlineData("/loop", 400, "AVATAR_UNAVAILABLE")]
    [InlineData("/missing", 400, "AVATAR_UNAVAILABLE")]
    [InlineData("/huge", 413, "PAYLOAD_TOO_LARGE")]
    [InlineData("/page", 415, "UNSUPPORTED_MEDIA_TYPE")]
    [InlineData("/slow", 400, "AVATAR_UNAVAILABLE")]
    public async Task A_fetch_that_fails_is_refused_and_creates_no_user(string path, int status, string code)
    {
        var tenant = await server.NewTenantAsync();

        await tenant.Backend.PutJsonAsync("/server/v1/users/ava", new { name = "Ava", avatar = new { url = originUrl + path } }).ExpectProblem(status, code);

        await tenant.Backend.GetAsync("/server/v1/users/ava").ExpectProblem(404);
    }
}
