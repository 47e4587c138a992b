using System.Net;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Attachments;

/// <summary>Avatars from uploads and from base64 data: checked to be images, stored once, served from a lasting signed URL.</summary>
public sealed class AvatarTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task A_data_uri_avatar_is_stored_once_and_served_as_an_image()
    {
        var tenant = await server.NewTenantAsync();
        var png = TestFiles.Png(64, 64, 10, 20, 30);
        var dataUri = "data:image/png;base64," + Convert.ToBase64String(png);

        var ava = await tenant.Backend.PutJsonAsync("/server/v1/users/ava", new { name = "Ava", avatar = new { base64 = dataUri } }).ExpectJson(201);
        var ben = await tenant.Backend.PutJsonAsync("/server/v1/users/ben", new { name = "Ben", avatar = new { base64 = Convert.ToBase64String(png) } }).ExpectJson(201);

        var url = ava.Str("avatarUrl");
        Assert.Equal(url, ben.Str("avatarUrl"));
        using var response = await server.FetchAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(png, await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(url, (await (await tenant.SessionAsync("carol")).GetAsync("/v1/users/ava").ExpectJson(200)).Str("avatarUrl"));
        Assert.Single(Directory.EnumerateFiles(Path.Combine(server.DataDirectory, "blobs", tenant.Id), "*", SearchOption.AllDirectories));

        await server.FetchAsync(url[..^3] + (url[^3] == 'A' ? "BBB" : "AAA")).ExpectProblem(403, "INVALID_SIGNATURE");
    }

    [Fact]
    public async Task An_avatar_that_is_not_an_image_is_415_and_creates_no_user()
    {
        var tenant = await server.NewTenantAsync();

        await tenant.Backend.PutJsonAsync("/server/v1/users/ava", new { name = "Ava", avatar = new { base64 = Convert.ToBase64String(TestFiles.Pdf()) } })
            .ExpectProblem(415, "UNSUPPORTED_MEDIA_TYPE");
        await tenant.Backend.PutJsonAsync("/server/v1/users/ava", new { name = "Ava", avatar = new { base64 = "data:image/png;base64," + Convert.ToBase64String(TestFiles.Html()) } })
            .ExpectProblem(415, "UNSUPPORTED_MEDIA_TYPE");
        await tenant.Backend.PutJsonAsync("/server/v1/users/ava", new { name = "Ava", avatar = new { base64 = "data:image/png,rawbytes" } }).ExpectProblem(400);
        await tenant.Backend.PutJsonAsync("/server/v1/users/ava", new { name = "Ava", avatar = new { } }).ExpectProblem(400);
        await tenant.Backend.PutJsonAsync("/server/v1/users/ava", new { name = "Ava", avatarUrl = "https://example.com/a.png", avatar = new { base64 = "AAAA" } }).ExpectProblem(400);

        await tenant.Backend.GetAsync("/server/v1/users/ava").ExpectProblem(404);
    }

    [Fact]
    public async Task An_avatar_is_served_only_while_in_use_and_a_refused_request_puts_none_in_use()
    {
        var tenant = await server.NewTenantAsync();
        var png = TestFiles.Png(50, 50, 90, 90, 90);
        var other = TestFiles.Png(51, 51, 90, 90, 90);
        await tenant.Backend.PutJsonAsync("/server/v1/users/ann", new { name = "Ann", username = "taken" }).ExpectJson(201);

        await tenant.Backend.PutJsonAsync("/server/v1/users/ben", new { name = "Ben", username = "taken", avatar = new { base64 = Convert.ToBase64String(png) } })
            .ExpectProblem(409, "USERNAME_TAKEN");
        var ben = await tenant.Backend.PutJsonAsync("/server/v1/users/ben", new { name = "Ben", avatar = new { base64 = Convert.ToBase64String(png) } }).ExpectJson(201);
        var first = ben.Str("avatarUrl");
        Assert.Equal(png, await server.FetchBytesAsync(first));

        var replaced = await tenant.Backend.PutJsonAsync("/server/v1/users/ben", new { name = "Ben", avatar = new { base64 = Convert.ToBase64String(other) } }).ExpectJson(200);
        await server.FetchAsync(first).ExpectProblem(404);
        Assert.Equal(other, await server.FetchBytesAsync(replaced.Str("avatarUrl")));

        await tenant.Backend.DeleteAsync("/server/v1/users/ben").Expect(204);
        await server.FetchAsync(replaced.Str("avatarUrl")).ExpectProblem(404);
    }

    private const string NotPublic = "public address";
    private const string NotHttp = "http or https URL";

    [Theory]
    [InlineData("http://127.0.0.1:9/a.png", NotPublic)]
    [InlineData("http://localhost/a.png", NotPublic)]
    [InlineData("http://169.254.169.254/latest/meta-data/", NotPublic)]
    [InlineData("http://10.0.0.1/a.png", NotPublic)]
    [InlineData("http://192.168.1.1/a.png", NotPublic)]
    [InlineData("http://[::1]/a.png", NotPublic)]
    [InlineData("http://[::ffff:127.0.0.1]/a.png", NotPublic)]
    [InlineData("http://0.0.0.0/a.png", NotPublic)]
    [InlineData("ftp://example.com/a.png", NotHttp)]
    [InlineData("file:///etc/passwd", NotHttp)]
    [InlineData("http://user:secret@example.com/a.png", NotHttp)]
    [InlineData("not a url", NotHttp)]
    public async Task An_avatar_url_that_is_not_public_http_is_refused_before_any_request(string url, string reason)
    {
        var tenant = await server.NewTenantAsync();

        // The reason tells a refusal by the address policy from a fetch that merely failed.
        var problem = await tenant.Backend.PutJsonAsync("/server/v1/users/ava", new { name = "Ava", avatar = new { url } }).ExpectProblem(400, "AVATAR_UNAVAILABLE");
        Assert.Contains(reason, problem.Str("message"), StringComparison.Ordinal);
        await tenant.Backend.GetAsync("/server/v1/users/ava").ExpectProblem(404);
    }

    [Fact]
    public async Task Users_and_conversations_take_an_image_they_uploaded_as_avatar()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var photo = TestFiles.WebP(128, 128);
        var uploaded = await alice.UploadedAsync(photo, "me.webp");
        var bobsUpload = await bob.UploadedAsync(TestFiles.Png(9, 9), "bob.png");
        var pdf = await alice.UploadedAsync(TestFiles.Pdf(), "doc.pdf");

        var me = await alice.PatchJsonAsync("/v1/users/alice", new { avatar = new { id = uploaded.Str("id") } }).ExpectJson(200);
        Assert.Equal(photo, await server.FetchBytesAsync(me.Str("avatarUrl")));
        await alice.PatchJsonAsync("/v1/users/alice", new { avatar = new { id = bobsUpload.Str("id") } }).ExpectProblem(403, "ATTACHMENT_NOT_YOURS");
        await alice.PatchJsonAsync("/v1/users/alice", new { avatar = new { id = pdf.Str("id") } }).ExpectProblem(415, "UNSUPPORTED_MEDIA_TYPE");
        await alice.PatchJsonAsync("/v1/users/alice", new { avatar = new { id = "01ARZ3NDEKTSV4RRFFQ69G5FAV" } }).ExpectProblem(400, "ATTACHMENT_NOT_FOUND");

        var conversation = await alice.PatchJsonAsync($"/v1/conversations/{group}/avatar", new { attachment = new { id = uploaded.Str("id") } }).ExpectJson(200);
        Assert.Equal(photo, await server.FetchBytesAsync(conversation.Str("avatarUrl")));
        Assert.Equal(conversation.Str("avatarUrl"), (await bob.GetAsync($"/v1/conversations/{group}").ExpectJson(200)).Str("avatarUrl"));
        await bob.PatchJsonAsync($"/v1/conversations/{group}/avatar", new { attachment = new { id = bobsUpload.Str("id") } }).ExpectProblem(403, "MISSING_PERMISSION");
    }
}
