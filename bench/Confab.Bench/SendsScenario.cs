using System.Diagnostics;

namespace Confab.Bench;

public sealed record SendsResult(string Store, int Nodes, int Senders, double Seconds, long Sent, double SendsPerSecond, Percentiles SendLatency, double ServerCpuSeconds);

/// <summary>
/// Concurrent senders over REST, each in a conversation of its own and spread over the nodes, sending as fast as
/// their acknowledgements come back: acknowledged (committed) messages per second and the latency of each send.
/// </summary>
public static class SendsScenario
{
    public static async Task<SendsResult> RunAsync(ServerCluster cluster, int senders, TimeSpan duration)
    {
        var apis = cluster.Nodes.Select(n => new BenchApi(n.Address)).ToList();
        try
        {
            var backend = await apis[0].CreateTenantAsync();
            var userIds = Enumerable.Range(0, senders).Select(i => $"s{i:D4}").ToArray();
            var tokens = await BenchApi.UsersWithTokensAsync(backend, userIds);
            var clients = tokens.Select((token, i) => apis[i % apis.Count].AsUser(token)).ToArray();
            var rooms = new string[senders];
            for (var i = 0; i < senders; i++)
                rooms[i] = (await clients[i].Conversations.CreateAsync(new CreateConversationRequest { Type = "group", Title = $"room {i}" })).Conversation.Id;

            var latencies = new List<double>[senders];
            var cpuBefore = cluster.CpuTime();
            var running = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, senders), new ParallelOptions { MaxDegreeOfParallelism = senders }, async (i, cancel) =>
            {
                var mine = latencies[i] = [];
                for (var n = 0; running.Elapsed < duration; n++)
                {
                    var started = Stopwatch.GetTimestamp();
                    await clients[i].Messages.SendAsync(rooms[i], new SendMessageRequest { Text = $"message {n}", ClientMessageId = $"{i}-{n}" }, cancel);
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
            });
            var seconds = running.Elapsed.TotalSeconds;
            var cpu = (cluster.CpuTime() - cpuBefore).TotalSeconds;
            var all = latencies.SelectMany(l => l).ToList();
            return new SendsResult(cluster.Store, cluster.Nodes.Count, senders, seconds, all.Count, all.Count / seconds, Percentiles.Of(all), cpu);
        }
        finally
        {
            foreach (var api in apis) api.Dispose();
        }
    }
}
