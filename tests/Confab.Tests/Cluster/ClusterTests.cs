using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Cluster;

/// <summary>
/// Two server processes on loopback sharing one PostgreSQL database act as one server: events, typing and
/// presence cross nodes, a client of a node killed with SIGKILL resumes on the other without loss, and the
/// presence of a user whose only node died turns offline within the node lease and a heartbeat.
/// </summary>
public sealed class ClusterTests
{
    private static readonly string[] Bob = ["bob"];
    private static readonly string[] BobAndCarol = ["bob", "carol"];
    private static readonly string[] Carol = ["carol"];

    /// <summary>The stated bound: a lease, a heartbeat (a quarter lease) for the sweep, and room for a loaded machine.</summary>
    private static readonly TimeSpan OfflineBound = TimeSpan.FromSeconds(TestCluster.LeaseSeconds * 1.25 + 3);

    [PostgresFact]
    public async Task Nodes_started_together_pass_a_message_typing_and_presence_from_node_A_to_a_socket_on_node_B()
    {
        await using var cluster = new TestCluster();
        var started = await Task.WhenAll(cluster.StartNodeAsync(), cluster.StartNodeAsync());
        var (a, b) = (started[0], started[1]);
        var (_, apiKey) = await TestCluster.NewTenantAsync(a);
        var aliceToken = await TestCluster.TokenAsync(a, apiKey, "alice");
        var bobToken = await TestCluster.TokenAsync(a, apiKey, "bob");
        using var aliceOnA = TestCluster.Session(a, aliceToken);
        var conversation = (await aliceOnA.PostJsonAsync("/v1/conversations", new { type = "group", participantIds = Bob, title = "Across" })
            .ExpectJson(201)).Str("id");

        var (bobOnB, _) = await TestSocket.ConnectReadyAsync(b.Address, bobToken);
        await using var bobSocket = bobOnB;
        var (aliceSocket, _) = await TestSocket.ConnectReadyAsync(a.Address, aliceToken);
        await using var aliceOnASocket = aliceSocket;

        var online = await bobSocket.NextAsync(f => f.Str("type") == "presence" && f.GetProperty("payload").Str("userId") == "alice");
        Assert.Equal("online", online.GetProperty("payload").Str("status"));
        using var bobOnBHttp = TestCluster.Session(b, bobToken);
        Assert.Equal("online", (await bobOnBHttp.GetAsync("/v1/users/alice").ExpectJson(200)).Str("presence"));

        var sent = await aliceOnA.PostJsonAsync($"/v1/conversations/{conversation}/messages", new { text = "from A" }).ExpectJson(201);
        var created = await bobSocket.NextAsync("message.created");
        Assert.Equal(sent.Str("id"), created.GetProperty("payload").Str("id"));

        await aliceOnASocket.AckedAsync("typing", new { conversationId = conversation, isTyping = true });
        var typing = await bobSocket.NextAsync("typing");
        Assert.Equal("alice", typing.GetProperty("payload").Str("userId"));
        Assert.True(typing.GetProperty("payload").GetProperty("isTyping").GetBoolean());
    }

    [PostgresFact]
    public async Task Revoking_a_users_sessions_through_node_A_closes_its_socket_on_node_B()
    {
        await using var cluster = new TestCluster();
        var started = await Task.WhenAll(cluster.StartNodeAsync(), cluster.StartNodeAsync());
        var (a, b) = (started[0], started[1]);
        var (_, apiKey) = await TestCluster.NewTenantAsync(a);
        var bobToken = await TestCluster.TokenAsync(a, apiKey, "bob");
        var (bobOnB, _) = await TestSocket.ConnectReadyAsync(b.Address, bobToken);
        await using var bobSocket = bobOnB;

        using var backendOnA = TestCluster.Backend(a, apiKey);
        await backendOnA.DeleteAsync("/server/v1/users/bob/sessions").Expect(204);

        Assert.Equal(System.Net.WebSockets.WebSocketCloseStatus.PolicyViolation, await bobSocket.ClosedAsync());
    }

    [PostgresFact]
    public async Task Clients_of_a_node_killed_mid_stream_resume_on_the_other_and_get_every_acknowledged_message_once()
    {
        await using var cluster = new TestCluster();
        var a = await cluster.StartNodeAsync();
        var b = await cluster.StartNodeAsync();
        var (_, apiKey) = await TestCluster.NewTenantAsync(a);
        var aliceToken = await TestCluster.TokenAsync(a, apiKey, "alice");
        var bobToken = await TestCluster.TokenAsync(a, apiKey, "bob");
        var carolToken = await TestCluster.TokenAsync(a, apiKey, "carol");
        using var aliceOnA = TestCluster.Session(a, aliceToken);
        var conversation = (await aliceOnA.PostJsonAsync("/v1/conversations", new { type = "group", participantIds = BobAndCarol, title = "Stream" })
            .ExpectJson(201)).Str("id");

        // Carol was on A too but processed nothing there: her resume on B replays the whole stream.
        var (carolOnA, carolSince) = await TestSocket.ConnectReadyAsync(a.Address, carolToken);
        await using var carolFirst = carolOnA;
        var (bobOnA, readySeq) = await TestSocket.ConnectReadyAsync(a.Address, bobToken);
        var received = new ConcurrentQueue<string>();
        var acknowledged = new ConcurrentQueue<string>();
        using var sendingDone = new CancellationTokenSource();
        var bob = Task.Run(() => ReceiveAcrossNodesAsync(bobOnA, readySeq, b.Address, bobToken, received, acknowledged, sendingDone.Token));

        // Alice's sends go to A until it dies, then to B; a send cut off by the kill is retried with its clientMessageId.
        const int Messages = 120;
        var killed = false;
        using var aliceOnB = TestCluster.Session(b, aliceToken);
        for (var i = 0; i < Messages; i++)
        {
            if (i == Messages / 2)
            {
                await a.KillAsync();
                killed = true;
            }
            while (true)
            {
                try
                {
                    var message = await (killed ? aliceOnB : aliceOnA)
                        .PostJsonAsync($"/v1/conversations/{conversation}/messages", new { text = $"m{i}", clientMessageId = $"c{i}" }).ExpectJson(200, 201);
                    acknowledged.Enqueue(message.Str("id"));
                    break;
                }
                catch (HttpRequestException)
                {
                    killed = true;
                }
            }
        }
        await sendingDone.CancelAsync();
        var reconnects = await bob;

        Assert.Equal(1, reconnects);
        var receivedIds = received.ToList();
        Assert.Equal(receivedIds.Count, receivedIds.Distinct().Count());
        Assert.Equal(acknowledged.Order(StringComparer.Ordinal), receivedIds.Order(StringComparer.Ordinal));

        var (carolOnB, _) = await TestSocket.ConnectReadyAsync(b.Address, carolToken);
        await using var carol = carolOnB;
        var replayed = new ConcurrentQueue<string>();
        await ResumeAsync(carol, carolSince, replayed, acknowledged.Count);
        Assert.Equal(acknowledged.Order(StringComparer.Ordinal), replayed.Order(StringComparer.Ordinal));
    }

    [PostgresFact]
    public async Task The_presence_of_a_user_whose_only_node_died_turns_offline_within_the_lease_bound()
    {
        await using var cluster = new TestCluster();
        var a = await cluster.StartNodeAsync();
        var b = await cluster.StartNodeAsync();
        var (_, apiKey) = await TestCluster.NewTenantAsync(a);
        var daveToken = await TestCluster.TokenAsync(a, apiKey, "dave");
        var carolToken = await TestCluster.TokenAsync(a, apiKey, "carol");
        using var daveOnA = TestCluster.Session(a, daveToken);
        await daveOnA.PostJsonAsync("/v1/conversations", new { type = "direct", participantIds = Carol }).ExpectJson(201);

        var (carolOnB, _) = await TestSocket.ConnectReadyAsync(b.Address, carolToken);
        await using var carol = carolOnB;
        var (daveSocket, _) = await TestSocket.ConnectReadyAsync(a.Address, daveToken);
        await using var dave = daveSocket;
        await carol.NextAsync(f => IsPresence(f, "dave", "online"));

        await a.KillAsync();
        var clock = Stopwatch.StartNew();
        var offline = await carol.NextAsync(f => IsPresence(f, "dave", "offline"), OfflineBound);
        Assert.True(clock.Elapsed < OfflineBound, $"offline after {clock.Elapsed}");
        Assert.NotEqual(JsonValueKind.Null, offline.GetProperty("payload").GetProperty("lastSeenAt").ValueKind);
        using var carolHttp = TestCluster.Session(b, carolToken);
        Assert.Equal("offline", (await carolHttp.GetAsync("/v1/users/dave").ExpectJson(200)).Str("presence"));
    }

    /// <summary>Not AckedAsync: the replay comes before the ack, and the caller reads it.</summary>
    private static Task SendResumeAsync(TestSocket socket, long since) =>
        socket.SendRawAsync(JsonSerializer.Serialize(new { type = "resume", requestId = "resume", payload = new { since } }));

    /// <summary>Resumes from <paramref name="since"/> and collects message ids until <paramref name="expected"/> arrived (or a minute passed).</summary>
    private static async Task ResumeAsync(TestSocket socket, long since, ConcurrentQueue<string> received, int expected)
    {
        await SendResumeAsync(socket, since);
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (received.Count < expected && DateTime.UtcNow < deadline)
        {
            var frame = await socket.NextAsync(f => f.Str("type") == "message.created", TimeSpan.FromMinutes(1));
            received.Enqueue(frame.GetProperty("payload").Str("id"));
        }
    }

    private static bool IsPresence(JsonElement frame, string userId, string status) =>
        frame.Str("type") == "presence" && frame.GetProperty("payload").Str("userId") == userId && frame.GetProperty("payload").Str("status") == status;

    /// <summary>
    /// Bob's side: reads message.created frames on its socket to A; when A's socket dies, reconnects to B and resumes
    /// from the last seq it processed. Stops once sending is done and every acknowledged message has arrived; returns
    /// how often it reconnected.
    /// </summary>
    private static async Task<int> ReceiveAcrossNodesAsync(
        TestSocket first, long since, Uri fallback, string token, ConcurrentQueue<string> received, ConcurrentQueue<string> acknowledged,
        CancellationToken sendingDone)
    {
        var socket = first;
        var reconnects = 0;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        try
        {
            while (DateTime.UtcNow < deadline)
            {
                if (sendingDone.IsCancellationRequested && received.Count >= acknowledged.Count) return reconnects;
                JsonElement frame;
                try
                {
                    frame = await socket.NextAsync(f => f.TryGetProperty("seq", out _), TimeSpan.FromSeconds(1));
                }
                catch (TimeoutException)
                {
                    continue;
                }
                catch (InvalidOperationException)
                {
                    await socket.DisposeAsync();
                    reconnects++;
                    (socket, _) = await TestSocket.ConnectReadyAsync(fallback, token);
                    await SendResumeAsync(socket, since);
                    continue;
                }
                since = frame.GetProperty("seq").GetInt64();
                if (frame.Str("type") == "message.created") received.Enqueue(frame.GetProperty("payload").Str("id"));
            }
            return reconnects;
        }
        finally
        {
            await socket.DisposeAsync();
        }
    }
}
