using Confab.Server.Attachments;
using Confab.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Confab.Tests.Attachments;

/// <summary>Uploads no message took are collected after a day, with the content nothing points at any more.</summary>
public sealed class AttachmentCollectorTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Unattached_uploads_and_released_content_are_collected_and_the_rest_is_kept()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var kept = await alice.UploadedAsync(TestFiles.Png(11, 11), "kept.png");
        var deleted = await alice.UploadedAsync(TestFiles.Png(12, 12), "deleted.png");
        var forgotten = await alice.UploadedAsync(TestFiles.Png(13, 13), "forgotten.png");
        await alice.PostJsonAsync($"/v1/conversations/{group}/messages", new { attachments = new[] { kept.Str("id") } }).ExpectJson(201);
        var doomed = await alice.PostJsonAsync($"/v1/conversations/{group}/messages", new { attachments = new[] { deleted.Str("id") } }).ExpectJson(201);
        await alice.DeleteAsync($"/v1/conversations/{group}/messages/{doomed.Str("id")}").Expect(204);
        var collector = server.Services.GetRequiredService<AttachmentCollector>();

        await collector.CollectAllAsync();
        Assert.Equal(3, BlobFiles(tenant).Length);

        server.Clock.Advance(TimeSpan.FromHours(23));
        try
        {
            await collector.CollectAllAsync();
            Assert.Equal(2, BlobFiles(tenant).Length);
            var fresh = await alice.UploadedAsync(TestFiles.Png(13, 13), "again.png");

            server.Clock.Advance(TimeSpan.FromHours(2));
            await collector.CollectAllAsync();
            (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));

            await alice.PostJsonAsync($"/v1/conversations/{group}/messages", new { attachments = new[] { forgotten.Str("id") } }).ExpectProblem(400, "ATTACHMENT_NOT_FOUND");
            await alice.PostJsonAsync($"/v1/conversations/{group}/messages", new { attachments = new[] { fresh.Str("id") } }).ExpectJson(201);
            var history = (await bob.GetAsync($"/v1/conversations/{group}/messages").ExpectJson(200)).Items();
            Assert.Equal(TestFiles.Png(13, 13), await server.FetchBytesAsync(history[0].GetProperty("attachments")[0].Str("url")));
            Assert.Equal(TestFiles.Png(11, 11), await server.FetchBytesAsync(history.Last().GetProperty("attachments")[0].Str("url")));
            Assert.Equal(2, BlobFiles(tenant).Length);
        }
        finally
        {
            server.Clock.Advance(TimeSpan.FromHours(-25));
        }
    }

    [Fact]
    public async Task Deleting_a_tenant_deletes_its_files()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await alice.UploadedAsync(TestFiles.Png(14, 14), "a.png");
        Assert.Single(BlobFiles(tenant));

        await server.AsAdmin().DeleteAsync($"/admin/v1/tenants/{tenant.Id}").Expect(204);

        Assert.False(Directory.Exists(Path.Combine(server.DataDirectory, "blobs", tenant.Id)));
    }

    private string[] BlobFiles(TestTenant tenant)
    {
        var directory = Path.Combine(server.DataDirectory, "blobs", tenant.Id);
        return Directory.Exists(directory) ? Directory.GetFiles(directory, "*", SearchOption.AllDirectories) : [];
    }
}
