using System.Net.Http.Json;
using System.Diagnostics;
using Confab.Bench.Load;
using Confab.Bench.Report;
using Confab.Bench.Setup;

namespace Confab.Bench.Scenarios;

/// <summary>
/// Reading history: a conversation of N messages read a page of 50 at a time before a message at a random
/// depth, and the conversation list (first page of 50) of a user in 1,000 conversations of two, each with a
/// message. One of each is made through the API, the rest seeded straight into the store (<see cref="HistorySeeder"/>).
/// Then read marks by the member who has read none of it: each marks one more of the 1,000 conversations read, so
/// each counts that member's unread in all of its conversations (N + 1,000 messages), for <c>unread.updated</c>.
/// Sequential requests over loopback HTTP, timed at the client, after a warm-up.
/// </summary>
public static class HistoryScenario
{
    private const int ListConversations = 1_000;
    private const int PageSize = 50;
    private const int WarmUp = 30;

    public static async Task<ScenarioReport> RunAsync(BenchContext context, bool postgres)
    {
        var messages = context.Options.Size(100_000, 1_000_000);
        var report = new ScenarioReport("history", $"history on {context.StoreName(postgres)}: a {messages:N0}-message conversation, a user in {ListConversations:N0} conversations");
        await using var deployment = await context.StartConfabAsync(postgres);
        if (!deployment.Owned) return report.Note("skipped: seeding writes the store directly, which needs a server the bench starts itself (no --url)");

        string reader, behind, conversation, template, lister, listSample;
        using (var setupApi = context.Api(deployment))
        {
            var (userIds, tokens) = await setupApi.UsersInNewTenantAsync("hist", 3);
            (reader, behind, lister) = (tokens[0], tokens[1], tokens[2]);
            conversation = await setupApi.GroupAsync(reader, [userIds[1]]);
            template = (await setupApi.AsUser(reader).Messages.SendAsync(conversation, new SendMessageRequest { Text = "history message 1" })).Message.Id;
            listSample = await setupApi.GroupAsync(lister, [userIds[1]]);
            await setupApi.AsUser(lister).Messages.SendAsync(listSample, new SendMessageRequest { Text = "hello" });
        }

        var seeding = Stopwatch.StartNew();
        await deployment.StopAsync();
        await using (var seeder = await HistorySeeder.OpenAsync(deployment.Database?.ConnectionString, deployment.SqliteFile))
        {
            await seeder.GrowConversationAsync(template, messages);
            await seeder.CopyConversationAsync(listSample, ListConversations);
            await seeder.AnalyzeAsync();
        }
        await deployment.StartNodesAsync();
        report.Note($"seeded {messages:N0} messages and {ListConversations - 1:N0} conversations in {seeding.Elapsed.TotalSeconds:F1} s "
            + "(server stopped, rows copied in the store, server started again)");

        using var api = context.Api(deployment);
        var listed = await ListConversationIdsAsync(api.AsUser(lister));
        var measured = context.Options.Size(300, 1_000);
        var budget = TimeSpan.FromSeconds(context.Options.Size(5, 60));
        var random = new Random(7);
        var pages = await TimeAsync(api, reader, measured, budget, () =>
        {
            var before = random.NextInt64(PageSize + 1, messages + 1);
            return $"v1/conversations/{conversation}/messages?limit={PageSize}&beforeId={HistorySeeder.MessageIdFor(template, before)}";
        });
        var newest = await TimeAsync(api, reader, measured, budget, () => $"v1/conversations/{conversation}/messages?limit={PageSize}");
        var list = await TimeAsync(api, lister, measured, budget, () => $"v1/conversations?limit={PageSize}");
        var unmarked = new Queue<string>(listed);
        var marks = await TimeAsync(api, behind, Math.Min(measured, unmarked.Count - WarmUp), budget,
            () => $"v1/conversations/{unmarked.Dequeue()}/read", HttpMethod.Post);

        report
            .Row("history page at a random depth p50", pages.P50, Shown.Milliseconds(pages.P50))
            .Row("history page at a random depth p99", pages.P99, $"{Shown.Milliseconds(pages.P99)} (n={pages.Count})", Target.NoMoreThan(5, "<= 5 ms"))
            .Row("newest history page p50 / p99", newest.P99, $"{Shown.Milliseconds(newest.P50)} / {Shown.Milliseconds(newest.P99)}", Target.NoMoreThan(5, "<= 5 ms (p99)"))
            .Row("conversation list (1,000) p50", list.P50, Shown.Milliseconds(list.P50))
            .Row("conversation list (1,000) p99", list.P99, $"{Shown.Milliseconds(list.P99)} (n={list.Count})", Target.NoMoreThan(20, "<= 20 ms"))
            .Row("conversations in the user's list", listed.Count, Shown.Count(listed.Count), Target.NoLessThan(ListConversations, $"{ListConversations:N0}"))
            .Row($"read mark, {messages + ListConversations:N0} unread in all, p50 / p99", marks.P99, $"{Shown.Milliseconds(marks.P50)} / {Shown.Milliseconds(marks.P99)} (n={marks.Count})")
            .Note($"up to {measured} sequential GETs of {PageSize} each (as many as fit in {budget.TotalSeconds:F0} s) after up to {WarmUp} warm-up ones; pages before a message id (beforeId) at a uniformly random seq")
            .Note("read marks: sequential POSTs of .../read by the member who read nothing, each in a conversation it had not marked, so each counts its unread everywhere");
        report.Details["randomDepthPage"] = pages;
        report.Details["newestPage"] = newest;
        report.Details["conversationList"] = list;
        report.Details["readMark"] = marks;
        return report;
    }

    /// <summary>Walks the whole list, 200 at a time: proves the seeded conversations are there for the user.</summary>
    private static async Task<List<string>> ListConversationIdsAsync(ConfabClient user)
    {
        var ids = new List<string>();
        string? cursor = null;
        do
        {
            var page = await user.Conversations.ListAsync(new ConversationListQuery { Limit = 200, Cursor = cursor });
            ids.AddRange(page.Items.Select(c => c.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return ids;
    }

    /// <summary>
    /// Times <paramref name="measured"/> sequential requests (GETs unless told), or as many as fit in
    /// <paramref name="budget"/>, after a warm-up of a few requests (at most a quarter of the budget).
    /// </summary>
    private static async Task<Percentiles> TimeAsync(BenchApi api, string token, int measured, TimeSpan budget, Func<string> nextPath, HttpMethod? method = null)
    {
        var warmingUp = Stopwatch.StartNew();
        for (var i = 0; i < WarmUp && warmingUp.Elapsed < budget / 4; i++) await SendAsync(api, token, method ?? HttpMethod.Get, nextPath());
        var latencies = new LatencyRecorder();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < measured && clock.Elapsed < budget; i++) latencies.Add(await SendAsync(api, token, method ?? HttpMethod.Get, nextPath()));
        return latencies.Summary();
    }

    /// <summary>One request (a POST with an empty JSON body), read to the end; its time in milliseconds.</summary>
    private static async Task<double> SendAsync(BenchApi api, string token, HttpMethod method, string path)
    {
        using var request = BenchApi.UserRequest(method, path, token, method == HttpMethod.Post ? JsonContent.Create(new { }) : null);
        var started = Stopwatch.GetTimestamp();
        using var response = await api.Http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        response.EnsureSuccessStatusCode();
        return elapsed;
    }
}
