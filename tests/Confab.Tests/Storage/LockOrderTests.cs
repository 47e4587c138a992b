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
            await using var sending = new RequestLoops();
            foreach (var (client, s) in senders.Select((client, s) => (client, s)))
                sending.Start("a send", i => client.PostJsonAsync($"/v1/conversations/{conversation}/messages", new { text = $"doomed {s}-{i}" }));
            await UntilAsync(() => sending.Answers.Count >= 8, "the senders got 8 answers");

            await server.AsAdmin().DeleteAsync($"/admin/v1/tenants/{tenant.Id}").Expect(204);
            await sending.StopAsync();

            sending.AssertEachAnswered(201, 401, 404);
            await AssertNoRowsLeftAsync(tenant.Id, tables);
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
            await using var adding = new RequestLoops();
            adding.Start("upsert", i => tenant.Backend.PutJsonAsync($"/server/v1/users/new{i}", new { name = "New" }));
            adding.Start("session", _ => tenant.Backend.PostJsonAsync("/server/v1/sessions", new { userId = "uploader" }));
            adding.Start("api key", _ => server.AsAdmin().PostJsonAsync($"/admin/v1/tenants/{tenant.Id}/api-keys", new { }));
            adding.Start("upload", i => uploader.UploadAsync(TestFiles.Png(2 + i, 2), $"p{i}.png"));
            await UntilAsync(() => adding.EachKindSucceeded, "each kind of request succeeded once");

            await server.AsAdmin().DeleteAsync($"/admin/v1/tenants/{tenant.Id}").Expect(204);
            await adding.StopAsync();

            adding.AssertEachAnswered(200, 201, 401, 404);
            await AssertNoRowsLeftAsync(tenant.Id, tables);
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
            await using var issuing = new RequestLoops();
            for (var issuer = 0; issuer < 3; issuer++)
                issuing.Start("a session request", _ => tenant.Backend.PostJsonAsync("/server/v1/sessions", new { userId }));
            await UntilAsync(() => issuing.EachKindSucceeded, "a session was issued");

            await tenant.Backend.DeleteAsync($"/server/v1/users/{userId}").Expect(204);
            await issuing.StopAsync();
            await tenant.UpsertUserAsync(userId);

            issuing.AssertEachAnswered(201, 404);
            foreach (var (_, response) in issuing.Answers.Where(answer => answer.Response.StatusCode == HttpStatusCode.Created))
            {
                var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).Str("token");
                await server.WithSession(token).GetAsync("/v1/me").ExpectProblem(401);
            }
        }
        AssertNoWriteRetriedSince(retriedBefore);
    }

    private async Task AssertNoRowsLeftAsync(string tenantId, string[] tables)
    {
        foreach (var table in tables)
        {
            var left = await server.Database.ReadAsync(db => db.ScalarAsync<long>($"SELECT COUNT(*) FROM {table} WHERE tenant_id = @tenantId", new { tenantId }));
            Assert.True(left == 0, $"{left} rows of the deleted tenant left in {table}");
        }
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

    /// <summary>
    /// Requests sent over and over, each loop on a task of its own (its request numbered from 0), until stopped or
    /// disposed (so a test that fails leaves none running); every answer is kept.
    /// </summary>
    private sealed class RequestLoops : IAsyncDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly List<Task> loops = [];
        private readonly HashSet<string> kinds = [];

        public ConcurrentQueue<(string Request, HttpResponseMessage Response)> Answers { get; } = new();

        /// <summary>Whether every kind of request started has succeeded at least once.</summary>
        public bool EachKindSucceeded =>
            Answers.Where(answer => answer.Response.IsSuccessStatusCode).Select(answer => answer.Request).Distinct().Count() == kinds.Count;

        public void Start(string request, Func<int, Task<HttpResponseMessage>> send)
        {
            kinds.Add(request);
            loops.Add(Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++) Answers.Enqueue((request, await send(i)));
            }));
        }

        public void AssertEachAnswered(params int[] statuses) =>
            Assert.All(Answers, answer => Assert.True(statuses.Contains((int)answer.Response.StatusCode), $"{answer.Request} gave {(int)answer.Response.StatusCode}"));

        public async Task StopAsync()
        {
            await stop.CancelAsync();
            await Task.WhenAll(loops);
        }

        public async ValueTask DisposeAsync()
        {
            await StopAsync();
            stop.Dispose();
        }
    }
}
