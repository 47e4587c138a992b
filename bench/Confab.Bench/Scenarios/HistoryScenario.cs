using System.Diagnostics;
using Confab.Bench.Load;
using Confab.Bench.Report;
using Confab.Bench.Setup;

namespace Confab.Bench.Scenarios;

/// <summary>
/// Reading history: a conversation of N messages (seeded straight into the store, see <see cref="HistorySeeder"/>)
/// read a page of 50 at a time before a message at a random depth, and the conversation list (first page of
/// 50) of a user in 1,000 conversations (made through the API, each with a message). Sequential requests over
/// loopback HTTP, timed at the client, after a warm-up.
/// </summary>
public static class HistoryScenario
{
    private const int ListConversations = 1_000;
    private const int PageSize = 50;
    private const int WarmUp = 50;
    private const int Measured = 500;

    public static async Task<ScenarioReport> RunAsync(BenchContext context, bool postgres)
    {
        var messages = context.Options.Size(100_000, 1_000_000);
        var report = new ScenarioReport("history", $"history on {context.StoreName(postgres)}: a {messages:N0}-message conversation, a user in {ListConversations:N0} conversations");
        await using var deployment = await context.StartConfabAsync(postgres);
        if (!deployment.Owned) return report.Note("skipped: seeding writes the store directly, which needs a server the bench starts itself (no --url)");

        string reader, conversation, template, lister;
        using (var setupApi = context.Api(deployment))
        {
            var backend = await setupApi.TenantAsync();
            var userIds = BenchApi.NewUserIds("hist", 3);
            var tokens = await BenchApi.UsersWithTokensAsync(backend, userIds);
            (reader, lister) = (tokens[0], tokens[2]);
            conversation = await setupApi.GroupAsync(reader, [userIds[1]]);
            template = (await setupApi.AsUser(reader).Messages.SendAsync(conversation, new SendMessageRequest { Text = "history message 1" })).Message.Id;
            var listerClient = setupApi.AsUser(lister);
            await BenchApi.ForEachAsync(ListConversations, async _ =>
            {
                var id = await setupApi.GroupAsync(lister, [userIds[1]]);
                await listerClient.Messages.SendAsync(id, new SendMessageRequest { Text = "hello" });
            });
        }

        var seeding = Stopwatch.StartNew();
        await deployment.StopAsync();
        await HistorySeeder.SeedAsync(deployment.Database?.ConnectionString, deployment.SqliteFile, template, messages);
        await deployment.StartNodesAsync();
        report.Note($"seeded {messages:N0} messages in {seeding.Elapsed.TotalSeconds:F1} s (server stopped, rows written to the store, server started again)");

        using var api = context.Api(deployment);
        var random = new Random(7);
        var pages = await TimeAsync(api, reader, () =>
        {
            var before = random.NextInt64(PageSize + 1, messages + 1);
            return $"v1/conversations/{conversation}/messages?limit={PageSize}&beforeId={HistorySeeder.IdFor(template, before)}";
        });
        var newest = await TimeAsync(api, reader, () => $"v1/conversations/{conversation}/messages?limit={PageSize}");
        var list = await TimeAsync(api, lister, () => $"v1/conversations?limit={PageSize}");

        report
            .Row("history page at a random depth p50", pages.P50, Shown.Milliseconds(pages.P50))
            .Row("history page at a random depth p99", pages.P99, Shown.Milliseconds(pages.P99), Target.NoMoreThan(5, "<= 5 ms"))
            .Row("newest history page p50 / p99", newest.P99, $"{Shown.Milliseconds(newest.P50)} / {Shown.Milliseconds(newest.P99)}", Target.NoMoreThan(5, "<= 5 ms (p99)"))
            .Row("conversation list (1,000) p50", list.P50, Shown.Milliseconds(list.P50))
            .Row("conversation list (1,000) p99", list.P99, Shown.Milliseconds(list.P99), Target.NoMoreThan(20, "<= 20 ms"))
            .Note($"{Measured} sequential GETs of {PageSize} each after {WarmUp} warm-up ones; pages before a message id (beforeId) at a uniformly random seq");
        report.Details["randomDepthPage"] = pages;
        report.Details["newestPage"] = newest;
        report.Details["conversationList"] = list;
        return report;
    }

    private static async Task<Percentiles> TimeAsync(BenchApi api, string token, Func<string> nextPath)
    {
        var latencies = new LatencyRecorder();
        for (var i = 0; i < WarmUp + Measured; i++)
        {
            using var request = BenchApi.UserRequest(HttpMethod.Get, nextPath(), token);
            var started = Stopwatch.GetTimestamp();
            using var response = await api.Http.SendAsync(request);
            await response.Content.LoadIntoBufferAsync();
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            response.EnsureSuccessStatusCode();
            if (i >= WarmUp) latencies.Add(elapsed);
        }
        return latencies.Summary();
    }
}
