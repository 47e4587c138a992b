using Confab.Tests.Infrastructure;

namespace Confab.Tests.Events;

/// <summary>
/// Positions are handed out in commit order on every engine: readers tailing the log while many writers change
/// several conversations at once (sends, reactions, read pointers: transactions that lock different rows) only
/// ever find the next position after the last one they saw, never a gap that fills in later, never a repeat.
/// </summary>
public sealed class ConcurrentAppendTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    private const int Writers = 12;
    private const int ChangesPerWriter = 30;
    private const int Readers = 3;

    [Fact]
    public async Task Tailing_readers_see_every_position_once_and_in_order_while_many_writers_commit()
    {
        var tenant = await server.NewTenantAsync();
        var userIds = Enumerable.Range(0, Writers).Select(i => $"w{i}").ToArray();
        var writers = await tenant.SessionsAsync(userIds);
        var conversations = new List<string>();
        for (var i = 0; i < 6; i++)
            conversations.Add(await tenant.CreateConversationAsync(writers[0], "group", userIds[1..]));
        var start = await server.LastPositionAsync(tenant.Id);

        using var stop = new CancellationTokenSource();
        var readers = Enumerable.Range(0, Readers).Select(_ => Task.Run(() => TailAsync(tenant.Id, start, stop.Token))).ToList();

        await Task.WhenAll(writers.Select((client, w) => Task.Run(async () =>
        {
            for (var i = 0; i < ChangesPerWriter; i++)
            {
                var conversation = conversations[(w + i) % conversations.Count];
                var message = await tenant.SendAsync(client, conversation, $"{w}-{i}");
                var url = $"/v1/conversations/{conversation}";
                if (i % 3 == 1) await client.PostJsonAsync($"{url}/messages/{message.Str("id")}/reactions", new { emoji = "👍" }).ExpectJson(200);
                if (i % 3 == 2) await client.PostJsonAsync($"{url}/read", new { upToMessageId = message.Str("id") }).ExpectJson(200, 204);
            }
        })));
        await stop.CancelAsync();
        var tailed = await Task.WhenAll(readers);

        var full = (await server.ReadAsync(tenant.Id, start)).Select(e => e.Position).ToList();
        Assert.Equal(Enumerable.Range(1, full.Count).Select(i => start + i), full);
        Assert.True(full.Count >= Writers * ChangesPerWriter, $"only {full.Count} events");
        foreach (var positions in tailed) Assert.Equal(full, positions);
    }

    /// <summary>Reads the log after the last position seen until stopped, failing at once on a gap or a repeat.</summary>
    private async Task<List<long>> TailAsync(string tenantId, long start, CancellationToken stop)
    {
        var seen = new List<long>();
        var last = start;
        while (true)
        {
            var stopping = stop.IsCancellationRequested;
            foreach (var e in await server.ReadAsync(tenantId, last))
            {
                Assert.True(e.Position == last + 1, $"after position {last} the log showed {e.Position}");
                seen.Add(e.Position);
                last = e.Position;
            }
            if (stopping) return seen;
            await Task.Delay(2, CancellationToken.None);
        }
    }
}
