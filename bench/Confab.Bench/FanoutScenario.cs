using System.Diagnostics;

namespace Confab.Bench;

public sealed record FanoutResult(
    int Sockets, int Messages, double ConnectSeconds, double ConnectsPerSecond, long ServerRssBeforeBytes, long ServerRssAfterBytes,
    double ServerBytesPerSocket, Percentiles Delivery, double AllDeliveredMs, long Lost, double ServerCpuSeconds);

/// <summary>
/// N sockets in one room, spread over the nodes: connect them all, measure the servers' memory per socket,
/// then send messages one at a time through the first node and time each one's delivery to every socket
/// (the sender stamps, each receiver records).
/// </summary>
public static class FanoutScenario
{
    public static async Task<FanoutResult> RunAsync(IReadOnlyList<ServerProcess> servers, int sockets, int messages)
    {
        using var api = new BenchApi(servers[0].Address);
        var backend = await api.CreateTenantAsync();
        var userIds = Enumerable.Range(0, sockets + 1).Select(i => $"u{i:D5}").ToArray();
        var tokens = await BenchApi.UsersWithTokensAsync(backend, userIds);
        var sender = api.AsUser(tokens[0]);
        var room = await api.RoomAsync(tokens[0], userIds);

        await Task.Delay(TimeSpan.FromSeconds(2));
        var rssBefore = servers.Sum(s => s.ResidentBytes());
        var connecting = Stopwatch.StartNew();
        var clients = new BenchSocket[sockets];
        await Parallel.ForEachAsync(Enumerable.Range(0, sockets), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (i, _) =>
            clients[i] = await BenchSocket.ConnectAsync(servers[i % servers.Count].Address, tokens[i + 1]));
        var connectSeconds = connecting.Elapsed.TotalSeconds;
        await Task.Delay(TimeSpan.FromSeconds(3));
        var rssAfter = servers.Sum(s => s.ResidentBytes());

        var cpuBefore = servers.Sum(s => s.CpuTime().TotalSeconds);
        var allDelivered = new List<double>();
        for (var m = 0; m < messages; m++)
        {
            var expected = clients.Sum(c => c.Received) + sockets;
            var sent = Stopwatch.GetTimestamp();
            await sender.Messages.SendAsync(room, new SendMessageRequest { Text = BenchSocket.Stamp() });
            var deadline = Stopwatch.StartNew();
            while (clients.Sum(c => c.Received) < expected && deadline.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(1);
            allDelivered.Add(Stopwatch.GetElapsedTime(sent).TotalMilliseconds);
            await Task.Delay(50);
        }
        var cpu = servers.Sum(s => s.CpuTime().TotalSeconds) - cpuBefore;

        var latencies = clients.SelectMany(c => c.Latencies).ToList();
        var lost = (long)sockets * messages - latencies.Count;
        foreach (var client in clients) await client.DisposeAsync();
        return new FanoutResult(sockets, messages, connectSeconds, sockets / connectSeconds, rssBefore, rssAfter,
            (rssAfter - rssBefore) / (double)sockets, Percentiles.Of(latencies), Percentiles.Of(allDelivered).P50, lost, cpu);
    }
}
