using System.Diagnostics;
using System.Net.WebSockets;
using Confab.Server.Http;
using Confab.Server.Realtime;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Realtime;

/// <summary>
/// Resuming a large backlog (a few thousand big events): the replay must stay whole when it overlaps the
/// one-second hold of live events, and a client that reads steadily must get to <c>resumed</c>.
/// </summary>
public sealed class ResumeBacklogTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    private const int Backlog = 2500;

    [Fact]
    public async Task A_replay_still_running_when_the_first_second_ends_loses_no_events_to_live_ones()
    {
        var (tenant, alice, bobToken, group, since) = await BacklogAsync();

        // Devices resume at different moments before the one-second hold ends, while live messages keep coming.
        using var stop = new CancellationTokenSource();
        var live = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await tenant.SendAsync(alice, group, "live");
                await Task.Delay(10);
            }
        });
        var failures = new List<string>();
        var onTime = 0;
        try
        {
            foreach (var delay in new[] { 0, 200, 400, 600 })
            {
                var sinceConnect = Stopwatch.StartNew();
                var acked = false;
                await using var device = await Device.ConnectQuietAsync(server, bobToken, "bob");
                await Task.Delay(delay);
                try
                {
                    await device.ResumeAsync(since);
                    acked = true;
                    onTime++;
                    var last = await server.LastPositionAsync(tenant.Id);
                    await device.CatchUpToAsync(last, TimeSpan.FromSeconds(30));
                    var seqs = device.Durable.Select(Kit.Seq).ToHashSet();
                    var missing = Enumerable.Range((int)since + 1, (int)(last - since)).Where(p => !seqs.Contains(p)).ToList();
                    if (missing.Count > 0)
                        failures.Add($"resumed {delay} ms after ready: got 'resumed' but never got {missing.Count} of {last - since} events (seq {missing[0]}..{missing[^1]})");
                    Kit.AssertStrictlyIncreasing(device.Durable.Select(Kit.Seq));
                }
                catch (Exception refused) when (refused is InvalidOperationException or Xunit.Sdk.TrueException)
                {
                    // Refusing the resume as a gap is right once the stream went live without it: on a slow machine the
                    // request can reach the server after the hold ended. Anything else, or a refusal too early for that, is wrong.
                    var refusedAsGap = !acked
                        && (refused.Message.Contains(ErrorCodes.ResumeGap, StringComparison.Ordinal) || refused.Message.Contains("resume first", StringComparison.Ordinal))
                        && sinceConnect.Elapsed >= SocketEndpoint.FirstRequestGrace;
                    if (!refusedAsGap)
                        failures.Add($"resumed {delay} ms after ready, {sinceConnect.ElapsedMilliseconds} ms after connecting: {refused.Message}");
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await live;
        }
        Assert.True(onTime > 0, "No resume reached the server before its hold ended: nothing was checked.");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task A_client_that_reads_steadily_is_not_cut_off_by_a_typing_event_during_its_replay()
    {
        var (tenant, _, bobToken, group, since) = await BacklogAsync();
        var last = await server.LastPositionAsync(tenant.Id);
        var (_, aliceToken) = await Kit.UserAsync(tenant, "alice");
        await using var alice = await Device.ConnectAsync(server, aliceToken, "alice");

        // A small kernel receive buffer, so that the server's queue rather than the kernel holds the backlog.
        using var invoker = new HttpMessageInvoker(new SocketsHttpHandler { ConnectCallback = Kit.TinyReceiveBufferAsync });
        using var bob = await Kit.OpenRawAsync(server, bobToken, invoker: invoker);
        Assert.Equal("ready", Kit.Type(await Kit.ReceiveJsonAsync(bob) ?? default));
        await Kit.SendJsonAsync(bob, new { type = "resume", requestId = "r", payload = new { since } });

        // About a frame a millisecond: slower than the server replays, but far from a stalled client.
        var seqs = new List<long>();
        var typingSeen = false;
        string end;
        try
        {
            while (true)
            {
                var frame = await Kit.ReceiveJsonAsync(bob, TimeSpan.FromSeconds(20));
                if (frame is not { } f)
                {
                    end = $"closed with {bob.CloseStatus}";
                    break;
                }
                if (Kit.IsDurable(f)) seqs.Add(Kit.Seq(f));
                if (seqs.Count == 300 && Kit.IsDurable(f)) await alice.AckedAsync("typing", new { conversationId = group, isTyping = true });
                typingSeen |= Kit.Type(f) == "typing";
                if (Kit.Type(f) == "resumed")
                {
                    end = "resumed";
                    break;
                }
                await Task.Delay(1);
            }
        }
        catch (WebSocketException error)
        {
            end = $"dropped ({error.Message})";
        }

        Assert.True(end == "resumed",
            $"bob read steadily, yet after {seqs.Count} of {last - since} replayed events (a typing event arrived during the replay) the socket was {end} instead of sending 'resumed'");
        Assert.Equal(Enumerable.Range((int)since + 1, (int)(last - since)).Select(p => (long)p), seqs);
        Assert.True(typingSeen, "the typing event should arrive too");
    }

    /// <summary>A group of alice and bob with <see cref="Backlog"/> large messages bob has not seen yet.</summary>
    private async Task<(TestTenant Tenant, HttpClient Alice, string BobToken, string Group, long Since)> BacklogAsync()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { maxMessageLength = 20_000 }).ExpectJson(200);
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var since = await server.LastPositionAsync(tenant.Id);
        var text = new string('y', 16_000);
        var count = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref count) <= Backlog)
                await alice.PostJsonAsync($"/v1/conversations/{group}/messages", new { text }).Expect(201);
        })));
        return (tenant, alice, bobToken, group, since);
    }
}
