using System.Buffers.Binary;
using System.IO.Compression;
using System.Net.Http.Headers;
using System.Text;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Attachments;

/// <summary>POST /v1/attachments: the bytes decide the type, tenant settings the limits, and a refused upload leaves nothing behind.</summary>
public sealed class UploadTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    private static readonly string[] ImagesOnly = ["image/*"];
    private static readonly string[] PlainTextOnly = ["text/plain"];

    public static TheoryData<string, string, string, string, int?, int?> Formats() => new()
    {
        { "png", "photo.png", "image", "image/png", 64, 48 },
        { "jpeg", "photo.jpg", "image", "image/jpeg", 1920, 1080 },
        { "gif", "anim.gif", "image", "image/gif", 320, 200 },
        { "webp", "sticker.webp", "image", "image/webp", 512, 256 },
        { "pdf", "report.pdf", "file", "application/pdf", null, null },
        { "mp3", "song.mp3", "audio", "audio/mpeg", null, null },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Each_format_is_recognised_by_its_bytes_with_image_sizes_from_the_header(
        string format, string fileName, string type, string mimeType, int? width, int? height)
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var bytes = Make(format, width, height);

        // The claimed type is wrong on purpose: only the bytes count.
        var attachment = await alice.UploadedAsync(bytes, fileName, "application/x-whatever");

        Assert.Matches("^[0-9A-Z]{26}$", attachment.Str("id"));
        Assert.Equal(type, attachment.Str("type"));
        Assert.Equal(mimeType, attachment.Str("mimeType"));
        Assert.Equal(fileName, attachment.Str("name"));
        Assert.Equal(bytes.Length, attachment.GetProperty("size").GetInt64());
        Assert.Equal(width, attachment.TryGetProperty("width", out var w) ? w.GetInt32() : null);
        Assert.Equal(height, attachment.TryGetProperty("height", out var h) ? h.GetInt32() : null);
        Assert.Equal(bytes, await server.FetchBytesAsync(attachment.Str("url")));
    }

    [Fact]
    public async Task A_renamed_executable_claiming_to_be_an_image_is_refused_with_415_and_nothing_is_kept()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");

        await alice.UploadAsync(TestFiles.Executable(), "cat.png", "image/png").ExpectProblem(415, "UNSUPPORTED_MEDIA_TYPE");
        await alice.UploadAsync(TestFiles.Html(), "page.png", "image/png").ExpectProblem(415, "UNSUPPORTED_MEDIA_TYPE");

        Assert.Equal(0, await CountAsync("attachments", tenant.Id));
        Assert.Equal(0, await CountAsync("blobs", tenant.Id));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(server.DataDirectory, "staging")));
    }

    [Fact]
    public async Task A_file_over_the_tenant_limit_is_413_and_a_type_the_tenant_does_not_allow_is_415()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { maxUploadBytes = 10_000, allowedUploadTypes = ImagesOnly }).ExpectJson(200);
        var alice = await tenant.SessionAsync("alice");

        await alice.UploadAsync(TestFiles.Png(100, 100, 1, 2, 3).Concat(new byte[20_000]).ToArray(), "big.png").ExpectProblem(413, "PAYLOAD_TOO_LARGE");
        await alice.UploadAsync(TestFiles.Pdf(), "report.pdf").ExpectProblem(415, "UNSUPPORTED_MEDIA_TYPE");
        var small = await alice.UploadedAsync(TestFiles.Png(2, 2), "small.png");

        Assert.Equal("image/png", small.Str("mimeType"));
        Assert.Equal(1, await CountAsync("attachments", tenant.Id));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(server.DataDirectory, "staging")));
    }

    [Fact]
    public async Task A_truncated_or_malformed_multipart_body_is_400_and_keeps_nothing()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var start = "--b0undary\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\nContent-Type: application/pdf\r\n\r\n";

        await PostRawAsync(alice, start + Encoding.ASCII.GetString(TestFiles.Pdf()), "multipart/form-data; boundary=b0undary").ExpectProblem(400, "INVALID_MULTIPART");
        await PostRawAsync(alice, "--b0undary\r\nnot a header line\r\n\r\nx\r\n--b0undary--\r\n", "multipart/form-data; boundary=b0undary").ExpectProblem(400);
        await PostRawAsync(alice, "--b0undary\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nhi\r\n--b0undary--\r\n", "multipart/form-data; boundary=b0undary")
            .ExpectProblem(400, "VALIDATION_FAILED");
        await PostRawAsync(alice, "{}", "application/json").ExpectProblem(415, "UNSUPPORTED_MEDIA_TYPE");
        await PostRawAsync(alice, "--x\r\n", "multipart/form-data").ExpectProblem(400, "INVALID_MULTIPART");

        Assert.Equal(0, await CountAsync("attachments", tenant.Id));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(server.DataDirectory, "staging")));
    }

    [Fact]
    public async Task Optional_fields_are_kept_and_checked()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");

        var voice = await alice.UploadAsync(TestFiles.Mp3(), "note.mp3", fields: new Dictionary<string, string>
        {
            ["type"] = "voice", ["caption"] = "listen", ["duration"] = "2.5", ["conversationId"] = group, ["metadata"] = """{"waveform":[1,2,3]}""",
        }, thumbnail: TestFiles.Png(8, 8)).ExpectJson(201);
        Assert.Equal("voice", voice.Str("type"));
        Assert.Equal("listen", voice.Str("caption"));
        Assert.Equal(2.5, voice.GetProperty("duration").GetDouble());
        Assert.Equal(3, voice.GetProperty("metadata").GetProperty("waveform").GetArrayLength());
        Assert.Equal(TestFiles.Png(8, 8), await server.FetchBytesAsync(voice.Str("thumbnailUrl")));

        await alice.UploadAsync(TestFiles.Pdf(), "a.pdf", fields: new Dictionary<string, string> { ["type"] = "image" }).ExpectProblem(400);
        await alice.UploadAsync(TestFiles.Pdf(), "a.pdf", fields: new Dictionary<string, string> { ["type"] = "location" }).ExpectProblem(400);
        await alice.UploadAsync(TestFiles.Mp3(), "a.mp3", fields: new Dictionary<string, string> { ["duration"] = "-1" }).ExpectProblem(400);
        await alice.UploadAsync(TestFiles.Mp3(), "a.mp3", fields: new Dictionary<string, string> { ["metadata"] = "[1" }).ExpectProblem(400);
        await alice.UploadAsync(TestFiles.Pdf(), "a.pdf", thumbnail: TestFiles.Pdf()).ExpectProblem(415);
        var stranger = await tenant.SessionAsync("carol");
        await stranger.UploadAsync(TestFiles.Pdf(), "a.pdf", fields: new Dictionary<string, string> { ["conversationId"] = group }).ExpectProblem(404);
        var asDocument = await alice.UploadedAsync(TestFiles.Png(3, 3), "photo.png");
        Assert.Equal("image", asDocument.Str("type"));
        var sentAsFile = await alice.UploadAsync(TestFiles.Png(3, 3), "photo.png", fields: new Dictionary<string, string> { ["type"] = "file" }).ExpectJson(201);
        Assert.Equal("file", sentAsFile.Str("type"));
    }

    [Fact]
    public async Task The_same_content_uploaded_twice_is_stored_once()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var bytes = TestFiles.Png(30, 30, 7, 7, 7);

        var first = await alice.UploadedAsync(bytes, "a.png");
        var second = await bob.UploadedAsync(bytes, "b.png");

        Assert.NotEqual(first.Str("id"), second.Str("id"));
        Assert.Equal(1, await CountAsync("blobs", tenant.Id));
        Assert.Single(Directory.EnumerateFiles(Path.Combine(server.DataDirectory, "blobs", tenant.Id), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Crafted_headers_and_markup_are_sniffed_without_failing_and_markup_is_never_plain_text()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var bmp = new byte[64];
        "BM"u8.CopyTo(bmp);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(18), 10);
        BinaryPrimitives.WriteInt32LittleEndian(bmp.AsSpan(22), int.MinValue);

        var sniffed = await alice.UploadedAsync(bmp, "x.bmp");
        Assert.Equal(("image/bmp", 10), (sniffed.Str("mimeType"), sniffed.GetProperty("width").GetInt32()));
        Assert.False(sniffed.TryGetProperty("height", out _));

        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { allowedUploadTypes = PlainTextOnly }).ExpectJson(200);
        await alice.UploadAsync("<div><img src=x onerror=alert(1)></div>"u8.ToArray(), "a.txt").ExpectProblem(415, "UNSUPPORTED_MEDIA_TYPE");
        await alice.UploadAsync("<!DOCTYPE svg><svg onload=alert(1)/>"u8.ToArray(), "a.txt").ExpectProblem(415, "UNSUPPORTED_MEDIA_TYPE");
        Assert.Equal("text/plain", (await alice.UploadedAsync("1 < 2, and that is fine"u8.ToArray(), "a.txt")).Str("mimeType"));
    }

    [Fact]
    public async Task Office_documents_are_told_from_zips_by_their_entries_and_huge_zip_directories_are_not_read()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");

        var docx = Zip(("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>"));
        Assert.Equal("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (await alice.UploadedAsync(docx, "a.docx")).Str("mimeType"));
        var odt = Zip(("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<office:document-content/>"));
        Assert.Equal("application/vnd.oasis.opendocument.text", (await alice.UploadedAsync(odt, "a.odt")).Str("mimeType"));
        var many = Zip(Enumerable.Range(0, 12_000).Select(i => ($"word/{i}.xml", "")).Prepend(("[Content_Types].xml", "<Types/>")).ToArray());
        Assert.Equal("application/zip", (await alice.UploadedAsync(many, "many.docx")).Str("mimeType"));
    }

    [Fact]
    public async Task Uploading_needs_a_user()
    {
        var tenant = await server.NewTenantAsync();
        await server.Anonymous().UploadAsync(TestFiles.Png(1, 1), "a.png").ExpectProblem(401);
        await tenant.Backend.UploadAsync(TestFiles.Png(1, 1), "a.png").ExpectProblem(401);
    }

    private static byte[] Zip(params (string Name, string Content)[] entries)
    {
        var bytes = new MemoryStream();
        using (var zip = new ZipArchive(bytes, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var entry = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                entry.Write(Encoding.UTF8.GetBytes(content));
            }
        }
        return bytes.ToArray();
    }

    private static byte[] Make(string format, int? width, int? height) => format switch
    {
        "png" => TestFiles.Png(width!.Value, height!.Value),
        "jpeg" => TestFiles.Jpeg(width!.Value, height!.Value),
        "gif" => TestFiles.Gif(width!.Value, height!.Value),
        "webp" => TestFiles.WebP(width!.Value, height!.Value),
        "pdf" => TestFiles.Pdf(),
        _ => TestFiles.Mp3(),
    };

    private static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string body, string contentType)
    {
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return client.PostAsync("/v1/attachments", content);
    }

    private Task<long> CountAsync(string table, string tenantId) =>
        server.Database.ReadAsync(db => db.ScalarAsync<long>($"SELECT COUNT(*) FROM {table} WHERE tenant_id = @tenantId", new { tenantId }));
}
