using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Events;

public sealed class EventLogOrderTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Concurrent_writers_get_gap_free_positions_and_a_tailing_reader_sees_each_event_once_in_order()
    {
        var tenant = await server.NewTenantAsync();
        var senders = await tenant.SessionsAsync("u0", "u1", "u2", "u3");
        var conversations = new List<string>();
        for (var i = 0; i < 4; i++)
            conversations.Add(await tenant.CreateConversationAsync(senders[0], "group", "u1", "u2", "u3"));
        var start = await server.LastPositionAsync(tenant.Id);

        using var stop = new CancellationTokenSource();
        var tailed = new List<LoggedEvent>();
        var reader = Task.Run(async () =>
        {
            var last = start;
            while (true)
            {
                var stopping = stop.IsCancellationRequested;
                foreach (var e in await server.ReadAsync(tenant.Id, last))
                {
                    Assert.True(e.Position > last, $"position {e.Position} came after {last}");
                    tailed.Add(e);
                    last = e.Position;
                }
                if (stopping) return;
                await Task.Delay(5);
            }
        });

        const int perSender = 25;
        await Task.WhenAll(senders.Select((client, s) => Task.Run(async () =>
        {
            for (var i = 0; i < perSender; i++)
                await tenant.SendAsync(client, conversations[(s + i) % conversations.Count], $"{s}-{i}");
        })));
        await stop.CancelAsync();
        await reader;

        var full = await server.ReadAsync(tenant.Id, start);
        Assert.Equal(senders.Length * perSender, full.Count);
        Assert.Equal(Enumerable.Range(1, full.Count).Select(i => start + i), full.Select(e => e.Position));
        Assert.Equal(full.Select(e => e.Position), tailed.Select(e => e.Position));

        foreach (var conversation in conversations)
        {
            var seqs = full.Where(e => e.ConversationId == conversation && e.Type == "message.created")
                .Select(e => JsonDocument.Parse(e.Payload).RootElement.GetProperty("seq").GetInt64()).ToList();
            Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        }
    }

    [Fact]
    public async Task Each_tenant_has_its_own_log()
    {
        var first = await server.NewTenantAsync();
        var second = await server.NewTenantAsync();
        var alice = await first.SessionAsync("alice");
        await first.UpsertUserAsync("bob");
        var conversation = await first.CreateConversationAsync(alice, "direct", "bob");
        await first.SendAsync(alice, conversation, "hello");

        Assert.Equal(["conversation.created", "message.created"], (await server.ReadAsync(first.Id)).Select(e => e.Type));
        Assert.Empty(await server.ReadAsync(second.Id));
    }
}
