using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Attachments;

/// <summary>
/// Signed URLs: who obtains them, what they serve (type, length, ranges, download disposition), and when they stop
/// working: tampered, expired, handed to another user, the message deleted, the viewer gone from the conversation.
/// </summary>
public sealed class AttachmentAccessTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Members_get_working_urls_in_history_and_non_members_get_nothing()
    {
        var (tenant, alice, bob, group) = await GroupAsync();
        var carol = await tenant.SessionAsync("carol");
        var bytes = TestFiles.Png(40, 20);
        var uploaded = await alice.UploadedAsync(bytes, "plan.png");

        var sent = await alice.PostJsonAsync($"/v1/conversations/{group}/messages", new { text = "the plan", attachments = new[] { uploaded.Str("id") } }).ExpectJson(201);
        Assert.Equal("media", sent.Str("kind"));
        var seenByBob = (await bob.GetAsync($"/v1/conversations/{group}/messages").ExpectJson(200)).Items()[0];
        var attachment = Assert.Single(seenByBob.GetProperty("attachments").EnumerateArray().ToArray());

        Assert.Equal(uploaded.Str("id"), attachment.Str("id"));
        Assert.Equal(40, attachment.GetProperty("width").GetInt32());
        Assert.Contains("user=bob", attachment.Str("url"), StringComparison.Ordinal);
        Assert.Equal(bytes, await server.FetchBytesAsync(attachment.Str("url")));

        await carol.GetAsync($"/v1/conversations/{group}/messages").ExpectProblem(404);
        var asCarol = attachment.Str("url").Replace("user=bob", "user=carol", StringComparison.Ordinal);
        await server.FetchAsync(asCarol).ExpectProblem(403, "INVALID_SIGNATURE");
    }

    [Fact]
    public async Task The_bytes_come_with_type_length_nosniff_and_ranges()
    {
        var (_, alice, _, _) = await GroupAsync();
        var bytes = TestFiles.Png(100, 100, 1, 2, 3);
        var url = (await alice.UploadedAsync(bytes, "photo.png")).Str("url");

        using var whole = await server.FetchAsync(url);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("image/png", whole.Content.Headers.ContentType!.MediaType);
        Assert.Equal(bytes.Length, whole.Content.Headers.ContentLength);
        Assert.Equal("nosniff", Assert.Single(whole.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("inline", whole.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("bytes", Assert.Single(whole.Headers.AcceptRanges));

        using var part = await server.FetchAsync(url, request => request.Headers.Range = new RangeHeaderValue(10, 29));
        Assert.Equal(HttpStatusCode.PartialContent, part.StatusCode);
        Assert.Equal(20, part.Content.Headers.ContentLength);
        Assert.Equal($"bytes 10-29/{bytes.Length}", part.Content.Headers.ContentRange!.ToString());
        Assert.Equal(bytes[10..30], await part.Content.ReadAsByteArrayAsync());

        using var head = await server.FetchAsync(url, request => request.Method = HttpMethod.Head);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(bytes.Length, head.Content.Headers.ContentLength);
        Assert.Empty(await head.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task What_a_browser_could_run_is_served_as_a_download()
    {
        var (tenant, alice, _, _) = await GroupAsync();
        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { allowedUploadTypes = Everything }).ExpectJson(200);

        foreach (var (bytes, name, mime) in new[] { (TestFiles.Pdf(), "doc.pdf", "application/pdf"), (TestFiles.Html(), "page.html", "text/html") })
        {
            var url = (await alice.UploadedAsync(bytes, name)).Str("url");
            using var response = await server.FetchAsync(url);
            Assert.Equal(mime, response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("attachment", response.Content.Headers.ContentDisposition!.DispositionType);
            Assert.Equal(name, response.Content.Headers.ContentDisposition.FileNameStar ?? response.Content.Headers.ContentDisposition.FileName?.Trim('"'));
            Assert.Contains("sandbox", Assert.Single(response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Tampered_expired_and_cross_tenant_links_are_refused()
    {
        var (_, alice, _, _) = await GroupAsync();
        var url = (await alice.UploadedAsync(TestFiles.Png(5, 5), "a.png")).Str("url");
        var other = await server.NewTenantAsync();

        var signature = url[(url.IndexOf("signature=", StringComparison.Ordinal) + 10)..];
        var flipped = (signature[0] == 'A' ? 'B' : 'A') + signature[1..];
        await server.FetchAsync(url.Replace(signature, flipped, StringComparison.Ordinal)).ExpectProblem(403, "INVALID_SIGNATURE");
        await server.FetchAsync(url[..url.IndexOf('?', StringComparison.Ordinal)]).ExpectProblem(403, "INVALID_SIGNATURE");
        var expires = url.Split('&').Single(p => p.StartsWith("expires=", StringComparison.Ordinal));
        await server.FetchAsync(url.Replace(expires, "expires=99999999999", StringComparison.Ordinal)).ExpectProblem(403, "INVALID_SIGNATURE");
        var tenantInPath = new Uri(url).Segments[2].TrimEnd('/');
        await server.FetchAsync(url.Replace(tenantInPath, other.Id, StringComparison.Ordinal)).ExpectProblem(403, "INVALID_SIGNATURE");

        server.Clock.Advance(TimeSpan.FromHours(25));
        try
        {
            await server.FetchAsync(url).ExpectProblem(403, "LINK_EXPIRED");
        }
        finally
        {
            server.Clock.Advance(TimeSpan.FromHours(-25));
        }
    }

    [Fact]
    public async Task Deleting_the_message_stops_its_attachments_and_leaving_stops_the_links_of_who_left()
    {
        var (_, alice, bob, group) = await GroupAsync();
        var first = await alice.UploadedAsync(TestFiles.Png(6, 6), "a.png");
        var second = await alice.UploadedAsync(TestFiles.Png(7, 7), "b.png");
        var message = await alice.PostJsonAsync($"/v1/conversations/{group}/messages", new { attachments = new[] { first.Str("id") } }).ExpectJson(201);
        await alice.PostJsonAsync($"/v1/conversations/{group}/messages", new { attachments = new[] { second.Str("id") } }).ExpectJson(201);
        var bobsUrls = (await bob.GetAsync($"/v1/conversations/{group}/messages").ExpectJson(200)).Items()
            .Select(m => m.GetProperty("attachments")[0].Str("url")).ToArray();

        await alice.DeleteAsync($"/v1/conversations/{group}/messages/{message.Str("id")}").Expect(204);
        await server.FetchAsync(bobsUrls[1]).ExpectProblem(404, "ATTACHMENT_NOT_FOUND");
        await server.FetchAsync(first.Str("url")).ExpectProblem(404, "ATTACHMENT_NOT_FOUND");
        await alice.PostJsonAsync($"/v1/conversations/{group}/messages", new { attachments = new[] { first.Str("id") } }).ExpectProblem(400, "ATTACHMENT_NOT_FOUND");

        Assert.NotEmpty(await server.FetchBytesAsync(bobsUrls[0]));
        await bob.DeleteAsync($"/v1/conversations/{group}/members/bob").Expect(204);
        await server.FetchAsync(bobsUrls[0]).ExpectProblem(404, "ATTACHMENT_NOT_FOUND");
        Assert.NotEmpty(await server.FetchBytesAsync(second.Str("url")));
    }

    [Fact]
    public async Task A_message_may_only_carry_attachments_its_sender_uploaded_and_media_needs_send_media()
    {
        var (tenant, alice, bob, group) = await GroupAsync();
        var alices = await alice.UploadedAsync(TestFiles.Png(3, 3), "a.png");
        var position = await server.LastPositionAsync(tenant.Id);

        await bob.PostJsonAsync($"/v1/conversations/{group}/messages", new { attachments = new[] { alices.Str("id") } }).ExpectProblem(403, "ATTACHMENT_NOT_YOURS");
        var other = await server.NewTenantAsync();
        var foreigner = await other.SessionAsync("alice");
        var foreignGroup = await other.CreateConversationAsync(foreigner, "group");
        await foreigner.PostJsonAsync($"/v1/conversations/{foreignGroup}/messages", new { attachments = new[] { alices.Str("id") } }).ExpectProblem(400, "ATTACHMENT_NOT_FOUND");

        await alice.PatchJsonAsync($"/v1/conversations/{group}/members/bob", new { role = "guest" }).ExpectJson(200);
        var bobs = await bob.UploadedAsync(TestFiles.Png(4, 4), "b.png");
        await bob.PostJsonAsync($"/v1/conversations/{group}/messages", new { text = "look", attachments = new[] { bobs.Str("id") } }).ExpectProblem(403, "MISSING_PERMISSION");
        Assert.DoesNotContain(await server.ReadAsync(tenant.Id, position), e => e.Type == "message.created");

        var bySystem = await tenant.Backend.PostJsonAsync($"/server/v1/conversations/{group}/messages", new { text = "from the system", attachments = new[] { bobs.Str("id") } })
            .ExpectJson(201);
        Assert.Equal(bobs.Str("id"), bySystem.GetProperty("attachments")[0].Str("id"));
        Assert.DoesNotContain("user=", bySystem.GetProperty("attachments")[0].Str("url"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forwarding_carries_the_attachments_to_the_target_members()
    {
        var (tenant, alice, _, group) = await GroupAsync();
        var dave = await tenant.SessionAsync("dave");
        var direct = await tenant.CreateConversationAsync(alice, "direct", "dave");
        var bytes = TestFiles.Gif(10, 10);
        var uploaded = await alice.UploadedAsync(bytes, "a.gif");
        var message = await alice.PostJsonAsync($"/v1/conversations/{group}/messages", new { attachments = new[] { uploaded.Str("id") } }).ExpectJson(201);

        await alice.PostJsonAsync($"/v1/conversations/{group}/messages/{message.Str("id")}/forward", new { targetConversationId = direct }).ExpectJson(201);
        var atDave = (await dave.GetAsync($"/v1/conversations/{direct}/messages").ExpectJson(200)).Items()[0];

        Assert.Equal(bytes, await server.FetchBytesAsync(atDave.GetProperty("attachments")[0].Str("url")));
        await alice.DeleteAsync($"/v1/conversations/{group}/messages/{message.Str("id")}").Expect(204);
        Assert.Equal(bytes, await server.FetchBytesAsync(atDave.GetProperty("attachments")[0].Str("url")));
    }

    [Fact]
    public async Task Events_carry_fresh_urls_for_their_receiver_on_the_socket_on_resume_and_on_the_long_poll()
    {
        var (tenant, alice, bob, group) = await GroupAsync();
        var bytes = TestFiles.Jpeg(640, 480);
        var uploaded = await alice.UploadedAsync(bytes, "a.jpg");
        var (socket, ready) = await TestSocket.ConnectReadyAsync(server, await tenant.TokenAsync("bob"));
        await using var _ = socket;

        await alice.PostJsonAsync($"/v1/conversations/{group}/messages", new { attachments = new[] { uploaded.Str("id") } }).ExpectJson(201);
        var live = await socket.NextAsync("message.created");
        var liveUrl = live.GetProperty("payload").GetProperty("attachments")[0].Str("url");
        Assert.Contains("user=bob", liveUrl, StringComparison.Ordinal);
        Assert.Equal(bytes, await server.FetchBytesAsync(liveUrl));

        server.Clock.Advance(TimeSpan.FromHours(30));
        try
        {
            await server.FetchAsync(liveUrl).ExpectProblem(403, "LINK_EXPIRED");
            var (replaying, _) = await TestSocket.ConnectReadyAsync(server, await tenant.TokenAsync("bob"));
            await using var __ = replaying;
            await replaying.SendRawAsync(JsonSerializer.Serialize(new { type = "resume", payload = new { since = ready } }));
            var replayed = await replaying.NextAsync("message.created");
            Assert.Equal(bytes, await server.FetchBytesAsync(replayed.GetProperty("payload").GetProperty("attachments")[0].Str("url")));

            var polled = await (await tenant.SessionAsync("bob")).GetAsync($"/v1/events?since={ready}").ExpectJson(200);
            var created = polled.Items().Single(e => e.Str("type") == "message.created");
            Assert.Equal(bytes, await server.FetchBytesAsync(created.GetProperty("payload").GetProperty("attachments")[0].Str("url")));
        }
        finally
        {
            server.Clock.Advance(TimeSpan.FromHours(-30));
        }
        Assert.DoesNotContain(await server.ReadAsync(tenant.Id), e => e.Payload.Contains("/files/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_deleted_users_uploads_do_not_pass_to_a_new_user_with_the_same_id()
    {
        var (tenant, alice, _, group) = await GroupAsync();
        var unsent = await alice.UploadedAsync(TestFiles.Png(8, 9), "unsent.png");
        var sent = await alice.UploadedAsync(TestFiles.Png(9, 8), "sent.png");
        await alice.PostJsonAsync($"/v1/conversations/{group}/messages", new { attachments = new[] { sent.Str("id") } }).ExpectJson(201);

        await tenant.Backend.DeleteAsync("/server/v1/users/alice").Expect(204);
        var newAlice = await tenant.SessionAsync("alice");
        var own = await tenant.CreateConversationAsync(newAlice, "group", "bob");

        foreach (var id in new[] { unsent.Str("id"), sent.Str("id") })
            await newAlice.PostJsonAsync($"/v1/conversations/{own}/messages", new { attachments = new[] { id } }).ExpectProblem(403, "ATTACHMENT_NOT_YOURS");
        await server.FetchAsync(unsent.Str("url")).ExpectProblem(404, "ATTACHMENT_NOT_FOUND");
    }

    private static readonly string[] Everything = ["application/*", "text/*", "image/*"];

    private async Task<(TestTenant Tenant, HttpClient Alice, HttpClient Bob, string Group)> GroupAsync()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        return (tenant, alice, bob, await tenant.CreateConversationAsync(alice, "group", "bob"));
    }
}
