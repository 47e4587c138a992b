using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Confab.Tests.Attachments;
using Confab.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Confab.Tests.Storage;

/// <summary>
/// Lock order: deleting a user removes it from many conversations while their members send. A send locks its
/// conversation and then the tenant's event position, so the deletion must lock every conversation before it appends.
/// A deletion locks its user before any conversation, so a write that adds users takes theirs first too.
/// </summary>
public sealed class LockOrderTests(ConfabServer server, ITestOutputHelper output) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Deleting_a_member_of_busy_conversations_never_fails()
    {
        var retriedBefore = server.Database.RetriedWrites;
        var tenant = await server.NewTenantAsync();
        var senderIds = Enumerable.Range(0, 6).Select(i => $"s{i}").ToArray();
        var senders = await tenant.SessionsAsync(senderIds);
        using var stop = new CancellationTokenSource();
        var statuses = new ConcurrentBag<int>();
        var deletes = new List<(int Status, long Ms)>();
        var conversations = new List<string>();

        for (var i = 0; i < 12; i++)
            conversations.Add(await tenant.CreateConversationAsync(senders[0], "group", senderIds[1..]));

        var sending = senders.Select((client, s) => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var response = await client.PostJsonAsync($"/v1/conversations/{conversations[(s + i) % conversations.Count]}/messages", new { text = $"{s}-{i}" });
                statuses.Add((int)response.StatusCode);
            }
        })).ToList();

        for (var round = 0; round < 8; round++)
        {
            var victim = $"victim{round}";
            await tenant.UpsertUserAsync(victim);
            foreach (var conversation in conversations)
                await senders[0].PostJsonAsync($"/v1/conversations/{conversation}/members", new { userIds = new[] { victim } }).ExpectJson(200, 201);
            var clock = Stopwatch.StartNew();
            var response = await tenant.Backend.DeleteAsync($"/server/v1/users/{victim}");
            deletes.Add(((int)response.StatusCode, clock.ElapsedMilliseconds));
            output.WriteLine($"delete {victim}: {(int)response.StatusCode} in {clock.ElapsedMilliseconds} ms");
        }
        await stop.CancelAsync();
        await Task.WhenAll(sending);

        output.WriteLine($"sends: {string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{g.Key} x{g.Count()}"))}");
        Assert.All(deletes, d => Assert.Equal(204, d.Status));
        Assert.All(statuses, s => Assert.Equal(201, s));
        AssertNoWriteRetriedSince(retriedBefore);
    }

    [Fact]
    public async Task A_user_deleted_while_being_added_to_conversations_is_left_in_none()
    {
        var retriedBefore = server.Database.RetriedWrites;
        var tenant = await server.NewTenantAsync();
        var inviter = await tenant.SessionAsync("inviter");
        var group = await tenant.CreateConversationAsync(inviter, "group");
        for (var round = 0; round < 12; round++)
        {
            var joiner = $"joiner{round}";
            var joinerClient = await tenant.SessionAsync(joiner);
            var deleting = tenant.Backend.DeleteAsync($"/server/v1/users/{joiner}");
            var adding = inviter.PostJsonAsync($"/v1/conversations/{group}/members", new { userIds = new[] { joiner } });
            var invited = inviter.PostJsonAsync("/v1/conversations", new { type = "group", participantIds = new[] { joiner } });
            var founded = joinerClient.PostJsonAsync("/v1/conversations", new { type = "group", participantIds = new List<string> { "inviter" } });
            await deleting.Expect(204);
            await adding.ExpectJson(200, 201, 400);
            var created = new[] { await invited.ExpectJson(201, 400), await founded.ExpectJson(201, 401) };

            Assert.DoesNotContain(joiner, await MemberIdsAsync(inviter, group));
            foreach (var conversation in created.Where(body => body.TryGetProperty("id", out _)))
                Assert.DoesNotContain(joiner, await MemberIdsAsync(inviter, conversation.Str("id")));
        }
        AssertNoWriteRetriedSince(retriedBefore);
    }

    [Fact]
    public async Task Deleting_a_tenant_while_its_users_send_leaves_none_of_its_rows()
    {
        string[] tables = ["users", "conversations", "members", "messages", "events", "search_keys"];
        for (var round = 0; round < 4; round++)
        {
            var tenant = await server.NewTenantAsync();
            var senderIds = Enumerable.Range(0, 4).Select(i => $"s{i}").ToArray();
            var senders = await tenant.SessionsAsync(senderIds);
            var conversation = await tenant.CreateConversationAsync(senders[0], "group", senderIds[1..]);
            var statuses = new ConcurrentBag<int>();
            using var stop = new CancellationTokenSource();
            var sending = senders.Select((client, s) => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                    statuses.Add((int)(await client.PostJsonAsync($"/v1/conversations/{conversation}/messages", new { text = $"doomed {s}-{i}" })).StatusCode);
            })).ToList();
            await UntilAsync(() => statuses.Count >= 8, "the senders got 8 answers");

            await server.AsAdmin().DeleteAsync($"/admin/v1/tenants/{tenant.Id}").Expect(204);
            await stop.CancelAsync();
            await Task.WhenAll(sending);

            Assert.All(statuses, status => Assert.True(status is 201 or 401 or 404, $"a send gave {status}"));
            foreach (var table in tables)
            {
                var left = await server.Database.ReadAsync(db => db.ScalarAsync<long>($"SELECT COUNT(*) FROM {table} WHERE tenant_id = @tenantId", new { tenantId = tenant.Id }));
                Assert.True(left == 0, $"{left} rows of the deleted tenant left in {table}");
            }
            Assert.Equal(0, await server.SearchTextWithoutKeyAsync());
        }
    }

    [Fact]
    public async Task Deleting_a_tenant_while_rows_that_append_no_event_are_added_leaves_none_of_them()
    {
        string[] tables = ["users", "sessions", "api_keys", "attachments", "blobs"];
        for (var round = 0; round < 4; round++)
        {
            var tenant = await server.NewTenantAsync();
            var uploader = await tenant.SessionAsync("uploader");
            var answers = new ConcurrentBag<(string Request, int Status)>();
            using var stop = new CancellationTokenSource();
            Task Repeat(string request, Func<int, Task<HttpResponseMessage>> send) => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++) answers.Add((request, (int)(await send(i)).StatusCode));
            });
            var adding = new[]
            {
                Repeat("upsert", i => tenant.Backend.PutJsonAsync($"/server/v1/users/new{i}", new { name = "New" })),
                Repeat("session", _ => tenant.Backend.PostJsonAsync("/server/v1/sessions", new { userId = "uploader" })),
                Repeat("api key", _ => server.AsAdmin().PostJsonAsync($"/admin/v1/tenants/{tenant.Id}/api-keys", new { })),
                Repeat("upload", i => uploader.UploadAsync(TestFiles.Png(2 + i, 2), $"p{i}.png")),
            };
            try
            {
                await UntilAsync(() => answers.Where(a => a.Status is 200 or 201).Select(a => a.Request).Distinct().Count() == adding.Length,
                    "each kind of request succeeded once");
                await server.AsAdmin().DeleteAsync($"/admin/v1/tenants/{tenant.Id}").Expect(204);
            }
            finally
            {
                await stop.CancelAsync();
                await Task.WhenAll(adding);
            }

            Assert.All(answers, answer => Assert.True(answer.Status is 200 or 201 or 401 or 404, $"{answer.Request} gave {answer.Status}"));
            foreach (var table in tables)
            {
                var left = await server.Database.ReadAsync(db => db.ScalarAsync<long>($"SELECT COUNT(*) FROM {table} WHERE tenant_id = @tenantId", new { tenantId = tenant.Id }));
                Assert.True(left == 0, $"{left} rows of the deleted tenant left in {table}");
            }
            Assert.False(Directory.Exists(Path.Combine(server.DataDirectory, "blobs", tenant.Id)), "the deleted tenant's files are left");
        }
    }

    /// <summary>Only PostgreSQL runs the two writes side by side; SQLite's single writer orders them.</summary>
    [Fact]
    public async Task A_session_issued_while_its_user_is_deleted_is_no_key_to_a_user_later_made_with_that_id()
    {
        var retriedBefore = server.Database.RetriedWrites;
        for (var round = 0; round < 6; round++)
        {
            var tenant = await server.NewTenantAsync();
            var userId = $"doomed{round}";
            await tenant.UpsertUserAsync(userId);
            var tokens = new ConcurrentBag<string>();
            var statuses = new ConcurrentBag<int>();
            using var stop = new CancellationTokenSource();
            var issuing = Enumerable.Range(0, 3).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    var response = await tenant.Backend.PostJsonAsync("/server/v1/sessions", new { userId });
                    statuses.Add((int)response.StatusCode);
                    if (response.StatusCode == HttpStatusCode.Created)
                        tokens.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).Str("token"));
                }
            })).ToList();
            try
            {
                await UntilAsync(() => !tokens.IsEmpty, "a session was issued");
                await tenant.Backend.DeleteAsync($"/server/v1/users/{userId}").Expect(204);
            }
            finally
            {
                await stop.CancelAsync();
                await Task.WhenAll(issuing);
            }
            await tenant.UpsertUserAsync(userId);

            Assert.All(statuses, status => Assert.True(status is 201 or 404, $"a session request gave {status}"));
            foreach (var token in tokens) await server.WithSession(token).GetAsync("/v1/me").ExpectProblem(401);
        }
        AssertNoWriteRetriedSince(retriedBefore);
    }

    /// <summary>Waits (up to 30 s) until <paramref name="condition"/> holds, polling every 10 ms.</summary>
    private static async Task UntilAsync(Func<bool> condition, string what)
    {
        for (var waited = 0; !condition(); waited++)
        {
            Assert.True(waited < 3000, $"not within 30 s: {what}");
            await Task.Delay(10);
        }
    }

    /// <summary>A deadlock victim (PostgreSQL) is retried and still succeeds, so the server's count of retried writes is what shows one.</summary>
    private void AssertNoWriteRetriedSince(long retriedBefore) =>
        Assert.True(server.Database.RetriedWrites == retriedBefore, $"{server.Database.RetriedWrites - retriedBefore} writes were retried (deadlock victims)");

    private static async Task<string[]> MemberIdsAsync(HttpClient client, string conversationId) =>
        (await client.GetAsync($"/v1/conversations/{conversationId}/members").ExpectJson(200)).Items().Select(m => m.GetProperty("user").Str("id")).ToArray();
}
