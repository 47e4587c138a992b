using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Confab.Contracts;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Storage;

/// <summary>
/// Concurrent writes share transactions (group commit on SQLite). None of the guarantees may weaken: a write that
/// fails leaves nothing, positions follow commit order without gaps, seqs follow positions, and what was
/// acknowledged survives the process being killed.
/// </summary>
public sealed class GroupCommitTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task A_failing_write_among_concurrent_ones_leaves_nothing_and_the_others_commit_with_gapless_positions()
    {
        var tenant = await server.NewTenantAsync();
        var before = await server.LastPositionAsync(tenant.Id);

        var writes = Enumerable.Range(0, 120).Select(i => Task.Run(() => server.Database.WriteAsync(async db =>
        {
            var position = await server.EventLog.ToConversationAsync(db, tenant.Id, "c_none", "test.written", new { i });
            server.EventLog.ToUser(db, tenant.Id, "nobody", "test.queued", new { i });
            if (i % 3 == 0) throw new InvalidOperationException($"write {i} fails after appending");
            return (Index: i, Position: position);
        }))).ToList();
        var outcomes = await Task.WhenAll(writes.Select(async w =>
        {
            try { return await w; }
            catch (InvalidOperationException) { return (Index: -1, Position: 0L); }
        }));

        var committed = outcomes.Where(o => o.Index >= 0).ToList();
        Assert.Equal(80, committed.Count);
        var all = await server.ReadAsync(tenant.Id, before);
        Assert.Equal(Enumerable.Range(1, 160).Select(n => before + n), all.Select(e => e.Position));
        var logged = all.Where(e => e.Type == "test.written").ToList();
        Assert.Equal(committed.Select(o => o.Position).Order(), logged.Select(e => e.Position));
        Assert.Equal(committed.OrderBy(o => o.Position).Select(o => o.Index), logged.Select(WriteIndex));
        // Each write's event queued for its close comes right after the one it appended at once.
        Assert.Equal(logged.Select(e => (e.Position + 1, WriteIndex(e))), all.Where(e => e.Type == "test.queued").Select(e => (e.Position, WriteIndex(e))));
        Assert.DoesNotContain(all, e => WriteIndex(e) % 3 == 0);
    }

    private static int WriteIndex(Infrastructure.LoggedEvent e) => JsonDocument.Parse(e.Payload).RootElement.GetProperty("i").GetInt32();

    [SqliteFact]
    public async Task A_write_that_ends_the_whole_transaction_fails_alone_and_the_rest_of_its_batch_commits()
    {
        var tenant = await server.NewTenantAsync();
        var before = await server.LastPositionAsync(tenant.Id);

        // The first write holds the single writer until the others have queued behind it, so they share one batch.
        var release = new TaskCompletionSource();
        var holding = server.Database.WriteAsync(async db =>
        {
            await release.Task;
            server.EventLog.ToUser(db, tenant.Id, "nobody", "test.written", new { i = -1 });
        });
        var writes = Enumerable.Range(0, 20).Select(i => server.Database.WriteAsync(async db =>
        {
            // SQLite answers RAISE(ROLLBACK) by rolling back the whole transaction, as it does on a full disk or an I/O error.
            // The event goes in as the write closes, so the trigger fires there.
            if (i == 10) await db.ExecuteAsync("CREATE TEMP TRIGGER doomed BEFORE INSERT ON events BEGIN SELECT RAISE(ROLLBACK, 'doomed'); END");
            server.EventLog.ToUser(db, tenant.Id, "nobody", "test.written", new { i });
        })).ToList();
        release.SetResult();
        await holding;

        var failure = await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => writes[10]);
        Assert.Contains("doomed", failure.Message, StringComparison.Ordinal);
        var committed = writes.Where((_, i) => i != 10).ToList();
        await Task.WhenAll(committed);
        var logged = (await server.ReadAsync(tenant.Id, before)).Where(e => e.Type == "test.written")
            .Select(e => JsonDocument.Parse(e.Payload).RootElement.GetProperty("i").GetInt32()).ToList();
        Assert.Equal([-1, .. Enumerable.Range(0, 20).Where(i => i != 10)], logged);
    }

    [Fact]
    public async Task A_write_whose_step_for_the_commit_fails_fails_alone_and_the_rest_of_its_batch_commits()
    {
        var tenant = await server.NewTenantAsync();
        var before = await server.LastPositionAsync(tenant.Id);
        var ran = new ConcurrentQueue<string>();

        // On SQLite the first write holds the single writer while the others queue behind it, so they share one batch
        // and their steps for the commit run after all of them.
        var writes = await server.HoldingTheWriterAsync(async () =>
        {
            var started = Enumerable.Range(0, 10).Select(i => server.Database.WriteAsync(db =>
            {
                ran.Enqueue($"write {i}");
                server.EventLog.ToUser(db, tenant.Id, "nobody", "test.written", new { i });
                db.AtCommit(close =>
                {
                    ran.Enqueue($"step {i}");
                    return close.ExecuteAsync(i == 4 ? "UPDATE events SET no_such_column = 1" : "UPDATE tenants SET name = name WHERE id = @id", new { id = tenant.Id });
                });
                return Task.CompletedTask;
            })).ToList();
            await server.WritesQueuedAsync(started.Count);
            return started;
        });

        var failure = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => writes[4]);
        Assert.Contains("no_such_column", failure.Message, StringComparison.Ordinal);
        await Task.WhenAll(writes.Where((_, i) => i != 4));
        // PostgreSQL runs the writes side by side, so only SQLite's order is the order they were asked in.
        var logged = (await server.ReadAsync(tenant.Id, before)).Select(WriteIndex).Order();
        Assert.Equal(Enumerable.Range(0, 10).Where(i => i != 4), logged);
        if (server.Database.Engine.WriteConcurrency == 1)
            Assert.Equal([.. Enumerable.Range(0, 10).Select(i => $"write {i}"), .. Enumerable.Range(0, 5).Select(i => $"step {i}")], ran.Take(15));
    }

    [SqliteFact]
    public async Task Sends_that_run_again_because_a_later_write_of_their_batch_failed_count_once_against_the_rate_limit()
    {
        const int sends = 20;
        var tenant = await server.NewTenantAsync();
        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { rateLimits = new { messagesPerMinutePerUser = sends } }).ExpectJson(200);
        var users = await tenant.SessionsAsync(["ann", "bob"]);
        var conversation = await tenant.CreateConversationAsync(users[0], "group", ["bob"]);

        // The first write holds the single writer while the sends queue behind it and then the failing writes, so that
        // all share one batch: the first failure rolls the sends back, and they run again.
        var (posting, failing) = await server.HoldingTheWriterAsync(async () =>
        {
            var posting = Enumerable.Range(0, sends).Select(i => users[0].PostJsonAsync($"/v1/conversations/{conversation}/messages", new { text = $"m{i}" })).ToList();
            await server.WritesQueuedAsync(sends);
            var failing = Enumerable.Range(0, 3).Select(_ => server.Database.WriteAsync<int>(_ => Task.FromException<int>(new InvalidOperationException("fails")))).ToList();
            return (posting, failing);
        });

        var responses = await Task.WhenAll(posting);
        var statuses = await Task.WhenAll(responses.Select(async r => $"{(int)r.StatusCode} {(r.IsSuccessStatusCode ? "" : await r.Content.ReadAsStringAsync())}"));
        Assert.All(statuses, status => Assert.Equal("201 ", status));
        foreach (var write in failing) await Assert.ThrowsAsync<InvalidOperationException>(() => write);
        var refused = await users[0].PostJsonAsync($"/v1/conversations/{conversation}/messages", new { text = "one too many" });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
    }

    [Fact]
    public async Task Concurrent_sends_to_one_conversation_get_gapless_seqs_in_the_order_of_their_events()
    {
        var tenant = await server.NewTenantAsync();
        var ids = Enumerable.Range(0, 16).Select(i => $"u{i}").ToArray();
        var senders = await tenant.SessionsAsync(ids);
        var conversation = await tenant.CreateConversationAsync(senders[0], "group", ids[1..]);
        var before = await server.LastPositionAsync(tenant.Id);

        var responses = await Task.WhenAll(Enumerable.Range(0, 96).Select(i => Task.Run(() =>
            senders[i % senders.Length].PostJsonAsync($"/v1/conversations/{conversation}/messages",
                i % 8 == 7 ? new { text = "bad reply", replyToId = "m_nope" } : (object)new { text = $"m{i}" }))));

        var odd = responses.Where(r => r.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.BadRequest)).ToList();
        Assert.True(odd.Count == 0, string.Join("\n", await Task.WhenAll(odd.Select(async r => $"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}"))));
        Assert.Equal(84, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(12, responses.Count(r => r.StatusCode == HttpStatusCode.BadRequest));
        var created = (await server.ReadAsync(tenant.Id, before)).Where(e => e.Type == EventTypes.MessageCreated)
            .Select(e => JsonDocument.Parse(e.Payload).RootElement.GetProperty("seq").GetInt64()).ToList();
        var firstSeq = created[0];
        Assert.Equal(Enumerable.Range(0, 84).Select(n => firstSeq + n), created);
    }

    /// <remarks>
    /// A killed process leaves what the OS already has, so this shows that a send is acknowledged only after its commit;
    /// surviving a power cut rests on <c>synchronous = FULL</c>, which no process kill can observe.
    /// </remarks>
    [Fact]
    public async Task Every_send_acknowledged_before_the_process_is_killed_is_there_after_a_restart()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "confab-tests", Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string> { ["Confab__DataDirectory"] = dataDirectory, ["Confab__Store"] = "sqlite" };
        try
        {
            string reader, conversation;
            var acknowledged = new ConcurrentBag<string>();
            await using (var node = await NodeProcess.StartAsync(settings))
            {
                var (_, apiKey) = await TestCluster.NewTenantAsync(node);
                var tokens = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => TestCluster.TokenAsync(node, apiKey, $"u{i}")));
                reader = tokens[0];
                using var creator = TestCluster.Session(node, reader);
                conversation = (await creator.PostJsonAsync("/v1/conversations",
                    new { type = "group", title = "Busy", participantIds = Enumerable.Range(1, 7).Select(i => $"u{i}") }).ExpectJson(201)).Str("id");

                using var stop = new CancellationTokenSource();
                var sending = tokens.Select(token => Task.Run(async () =>
                {
                    using var sender = TestCluster.Session(node, token);
                    while (!stop.IsCancellationRequested)
                    {
                        try
                        {
                            using var response = await sender.PostJsonAsync($"/v1/conversations/{conversation}/messages", new { text = "durable?" });
                            if (response.StatusCode == HttpStatusCode.Created)
                                acknowledged.Add((await response.Content.ReadFromJsonAsync<JsonElement>()).Str("id"));
                        }
                        catch (HttpRequestException)
                        {
                            return;
                        }
                    }
                })).ToList();
                while (acknowledged.Count < 200) await Task.Delay(5);
                await node.KillAsync();
                await stop.CancelAsync();
                await Task.WhenAll(sending);
            }

            await using var restarted = await NodeProcess.StartAsync(settings);
            using var member = TestCluster.Session(restarted, reader);
            var stored = new HashSet<string>();
            string? cursor = null;
            do
            {
                var page = await member.GetFromJsonAsync<JsonElement>(
                    $"/v1/conversations/{conversation}/messages?limit=100{(cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}")}");
                foreach (var message in page.Items()) stored.Add(message.Str("id"));
                cursor = page.NextCursor();
            } while (cursor is not null);
            Assert.Subset(stored, acknowledged.ToHashSet());
        }
        finally
        {
            try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
        }
    }
}
