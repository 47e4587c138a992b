using System.Diagnostics;

namespace Confab.Bench;

public sealed record SendsResult(
    int Nodes, int Senders, double Seconds, long Sent, double SendsPerSecond, Percentiles SendLatency, Percentiles Delivery, long Lost);

/// <summary>
/// Sustained sends: many senders in one room, spread over the nodes, each sending through the SDK as fast as its
/// requests return, for a fixed time; one receiving socket per node times every message's delivery there.
/// </summary>
public static class SendsScenario
{
    public static async Task<SendsResult> RunAsync(IReadOnlyList<ServerProcess> servers, int senders, int seconds)
    {
        var apis = servers.Select(s => new BenchApi(s.Address)).ToList();
        try
        {
            var backend = await apis[0].CreateTenantAsync();
            var senderIds = Enumerable.Range(0, senders).Select(i => $"s{i:D4}").ToArray();
            var receiverIds = Enumerable.Range(0, servers.Count).Select(i => $"r{i:D2}").ToArray();
            var tokens = await BenchApi.UsersWithTokensAsync(backend, [.. senderIds, .. receiverIds]);
            var room = await apis[0].RoomAsync(tokens[0], [.. senderIds, .. receiverIds]);
            var receivers = new List<BenchSocket>();
            for (var n = 0; n < servers.Count; n++) receivers.Add(await BenchSocket.ConnectAsync(servers[n].Address, tokens[senders + n]));
            await Task.Delay(TimeSpan.FromSeconds(2));

            var latencies = new List<double>();
            var running = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, senders).Select(i => Task.Run(async () =>
            {
                var client = apis[i % apis.Count].AsUser(tokens[i]);
                var mine = new List<double>();
                while (running.Elapsed < TimeSpan.FromSeconds(seconds))
                {
                    var sent = Stopwatch.GetTimestamp();
                    await client.Messages.SendAsync(room, new SendMessageRequest { Text = BenchSocket.Stamp() });
                    mine.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
                }
                lock (latencies) latencies.AddRange(mine);
            })));
            var elapsed = running.Elapsed.TotalSeconds;

            var waiting = Stopwatch.StartNew();
            while (receivers.Any(r => r.Received < latencies.Count) && waiting.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(10);
            var delivery = receivers.SelectMany(r => r.Latencies).ToList();
            var lost = (long)latencies.Count * receivers.Count - delivery.Count;
            foreach (var receiver in receivers) await receiver.DisposeAsync();
            return new SendsResult(servers.Count, senders, elapsed, latencies.Count, latencies.Count / elapsed, Percentiles.Of(latencies),
                Percentiles.Of(delivery), lost);
        }
        finally
        {
            foreach (var api in apis) api.Dispose();
        }
    }
}
