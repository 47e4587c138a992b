using System.Net.WebSockets;
using System.Text.Json.Nodes;
using Confab.Client;
using Confab.Contracts;
using Confab.Server.Realtime;
using Confab.Tests.Infrastructure;
using Confab.Tests.Realtime;

namespace Confab.Tests.Client;

public sealed class SocketReconnectTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    private static ConfabSocketOptions Fast(ControlledWebSockets? sockets = null) => new()
    {
        InitialReconnectDelay = TimeSpan.FromMilliseconds(50),
        MaxReconnectDelay = TimeSpan.FromMilliseconds(200),
        WebSocketFactory = sockets is null ? null : sockets.ConnectAsync,
    };

    [Fact]
    public async Task Drops_while_others_keep_sending_deliver_every_message_once_in_order()
    {
        const int PerSender = 30;
        const int Drops = 4;
        var tenant = await SdkTenant.CreateAsync(server);
        var ben = await tenant.UserAsync("ben");
        var cat = await tenant.UserAsync("cat");
        await tenant.TokenAsync("ava");
        var group = await SdkTenant.GroupAsync(ben, "ava", "cat");
        var sockets = new ControlledWebSockets();
        await using var ava = await tenant.SocketAsync("ava", Fast(sockets));

        var received = ava.CollectAsync(2 * PerSender, e => e.Type == EventTypes.MessageCreated, TimeSpan.FromSeconds(30));
        var sending = Task.WhenAll(SendManyAsync(ben, group, "ben", PerSender), SendManyAsync(cat, group, "cat", PerSender));
        for (var drop = 0; drop < Drops; drop++)
        {
            await Task.Delay(80);
            var back = ava.StateAsync(ConfabSocketState.Connected);
            sockets.DropLatest();
            await back;
        }
        await sending;
        var messages = await received;
        var afterwards = await ava.DrainAsync(TimeSpan.FromMilliseconds(500));

        Assert.Equal(Drops + 1, sockets.OpenedCount);
        var seqs = messages.Select(e => e.Seq!.Value).ToList();
        Assert.True(seqs.Zip(seqs.Skip(1)).All(pair => pair.First < pair.Second), $"seqs out of order: {string.Join(",", seqs)}");
        var texts = messages.Select(e => e.AsMessage().Text!).ToList();
        Assert.Equal(Enumerable.Range(0, PerSender).Select(i => $"ben {i}"), texts.Where(t => t.StartsWith("ben", StringComparison.Ordinal)));
        Assert.Equal(Enumerable.Range(0, PerSender).Select(i => $"cat {i}"), texts.Where(t => t.StartsWith("cat", StringComparison.Ordinal)));
        Assert.DoesNotContain(afterwards, e => e.IsDurable);
        Assert.Equal(seqs[^1], ava.LastSeq);
    }

    [Fact]
    public async Task A_reconnect_whose_ready_frame_comes_late_resumes_at_once_while_others_keep_sending()
    {
        const int Sent = 30;
        // A message is missed while the socket is down. On the new connection the server goes live without a resume a
        // second after ready, and ben's messages then go out live: a resume sent only once the ready frame arrived, two
        // seconds late, would be from before that point, so it would be refused and the client would reconnect.
        await using var down = await DroppedWhileBenSendsAsync("missed");
        var (ben, group, sockets, ava) = down;
        sockets.FirstFrameDelay = TimeSpan.FromSeconds(2);
        var received = ava.CollectAsync(Sent + 1, e => e.Type == EventTypes.MessageCreated, TimeSpan.FromSeconds(30));
        var back = ava.StateAsync(ConfabSocketState.Connected);
        sockets.Release();
        var sending = Task.Run(async () =>
        {
            for (var i = 0; i < Sent; i++)
            {
                await ben.Messages.SendAsync(group, new SendMessageRequest { Text = $"ben {i}" });
                await Task.Delay(100);
            }
        });
        await back;
        await sending;

        var texts = (await received).Select(e => e.AsMessage().Text).ToList();
        Assert.Equal(["missed", .. Enumerable.Range(0, Sent).Select(i => $"ben {i}")], texts);
        Assert.Equal(2, sockets.OpenedCount);
    }

    [Fact]
    public async Task Live_events_that_came_before_a_refused_resume_are_not_taken_and_the_next_connection_delivers_the_gap()
    {
        // The resume of the next connection reaches the server four seconds late, when it has gone live without one and
        // sent a live message: the resume is refused. The message missed while the socket was down must still come
        // first, on the connection after, and the live one once, after it.
        await using var down = await DroppedWhileBenSendsAsync("missed");
        var (ben, group, sockets, ava) = down;
        sockets.NextFirstSendDelay = TimeSpan.FromSeconds(4);
        var received = ava.CollectAsync(2, e => e.Type == EventTypes.MessageCreated, TimeSpan.FromSeconds(20));
        sockets.Release();
        await Kit.EventuallyAsync(() => Task.FromResult(sockets.OpenedCount == 2), TimeSpan.FromSeconds(10), "the second connection to open");
        await Task.Delay(SocketEndpoint.FirstRequestGrace + TimeSpan.FromMilliseconds(200));
        await ben.Messages.SendAsync(group, new SendMessageRequest { Text = "live" });

        Assert.Equal(["missed", "live"], (await received).Select(e => e.AsMessage().Text));
        Assert.Equal(3, sockets.OpenedCount);
    }

    [Fact]
    public async Task Events_committed_while_the_socket_is_down_are_replayed_once_in_order_before_live_ones()
    {
        await using var down = await DroppedWhileBenSendsAsync([.. Enumerable.Range(0, 5).Select(i => $"missed {i}")]);
        var (ben, group, sockets, ava) = down;
        var back = ava.StateAsync(ConfabSocketState.Connected);
        sockets.Release();
        await back;
        await ben.Messages.SendAsync(group, new SendMessageRequest { Text = "live" });

        var received = await ava.CollectAsync(6, e => e.IsDurable, TimeSpan.FromSeconds(10));
        Assert.Equal(["missed 0", "missed 1", "missed 2", "missed 3", "missed 4", "live"], received.Select(e => e.AsMessage().Text));
        Assert.DoesNotContain(await ava.DrainAsync(TimeSpan.FromMilliseconds(300)), e => e.IsDurable);
        Assert.Equal(2, sockets.OpenedCount);
    }

    [Fact]
    public async Task When_the_server_closes_the_socket_the_request_fails_as_lost_and_the_socket_reconnects()
    {
        var (tenant, ben, _, group) = await SdkTenant.BenWithAvaAsync(server);
        await using var ava = await tenant.SocketAsync("ava", Fast());

        var reconnecting = ava.StateAsync(ConfabSocketState.Reconnecting);
        var oversized = new JsonObject { ["padding"] = new string('x', 70 * 1024) };
        await Assert.ThrowsAsync<ConfabConnectionLostException>(() => ava.RequestAsync("ping", oversized));
        await reconnecting;

        await ben.Messages.SendAsync(group, new SendMessageRequest { Text = "after the close" });
        Assert.Equal("after the close", (await ava.NextAsync(EventTypes.MessageCreated)).AsMessage().Text);
        // A loaded server may refuse a late resume once more (the client then reconnects again), so connected is where it ends up.
        await ava.InStateAsync(ConfabSocketState.Connected);
    }

    [Fact]
    public async Task Subscriptions_are_restored_after_a_reconnect()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ben = await tenant.UserAsync("ben");
        async Task<string> ChannelAsync(string name) =>
            (await ben.Conversations.CreateAsync(new CreateConversationRequest { Type = "channel", Title = name, PublicUsername = name })).Conversation.Id;
        var kept = await ChannelAsync("kept_news");
        var dropped = await ChannelAsync("dropped_news");
        var sockets = new ControlledWebSockets();
        await using var ava = await tenant.SocketAsync("ava", Fast(sockets));
        await ava.SubscribeAsync(kept);
        await ava.SubscribeAsync(dropped);
        await ava.UnsubscribeAsync(dropped);

        var back = ava.StateAsync(ConfabSocketState.Connected);
        sockets.DropLatest();
        await back;
        await ava.PingAsync();
        await ben.Messages.SendAsync(dropped, new SendMessageRequest { Text = "not subscribed" });
        await ben.Messages.SendAsync(kept, new SendMessageRequest { Text = "still subscribed" });

        var first = await ava.NextAsync(EventTypes.MessageCreated);
        Assert.Equal((kept, "still subscribed"), (first.AsMessage().ConversationId, first.AsMessage().Text));
    }

    [Fact]
    public async Task A_new_socket_resumes_from_a_kept_seq()
    {
        var (tenant, ben, avaToken, group) = await SdkTenant.BenWithAvaAsync(server);
        long kept;
        await using (var first = await tenant.ConnectAsync(avaToken))
        {
            await ben.Messages.SendAsync(group, new SendMessageRequest { Text = "seen" });
            await first.NextAsync(EventTypes.MessageCreated);
            kept = first.LastSeq!.Value;
        }

        for (var i = 0; i < 3; i++) await ben.Messages.SendAsync(group, new SendMessageRequest { Text = $"while away {i}" });
        await using var second = await tenant.ConnectAsync(avaToken, new ConfabSocketOptions { ResumeAfterSeq = kept });
        var missed = await second.CollectAsync(3, e => e.IsDurable, TimeSpan.FromSeconds(10));

        Assert.Equal(["while away 0", "while away 1", "while away 2"], missed.Select(e => e.AsMessage().Text));
        Assert.True(missed[0].Seq > kept);
    }

    [Fact]
    public async Task A_revoked_session_closes_the_socket_and_ends_the_stream_with_401()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        await using var ava = await tenant.SocketAsync("ava", Fast());
        var closed = ava.StateAsync(ConfabSocketState.Closed);

        await tenant.Backend.RevokeSessionsAsync("ava");
        await closed;

        var ended = await Assert.ThrowsAsync<ConfabApiException>(async () =>
        {
            await foreach (var _ in ava.ReadEventsAsync()) { }
        });
        Assert.Equal((401, "UNAUTHORIZED"), (ended.Status, ended.Code));
        var request = await Assert.ThrowsAsync<ConfabApiException>(() => ava.PingAsync());
        Assert.Equal(401, request.Status);
    }

    [Fact]
    public async Task A_refused_token_fails_the_connect()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        await using var socket = new ConfabSocket(tenant.BaseAddress, "cs_not-a-real-token");

        var refused = await Assert.ThrowsAsync<ConfabApiException>(() => socket.ConnectAsync());
        Assert.Equal((401, "UNAUTHORIZED"), (refused.Status, refused.Code));
        Assert.Equal(ConfabSocketState.Disconnected, socket.State);
    }

    [Fact]
    public async Task Dispose_closes_with_a_handshake_and_ends_the_stream()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var benToken = await tenant.TokenAsync("ben");
        await tenant.TokenAsync("ava");
        await SdkTenant.GroupAsync(new ConfabClient(tenant.Http, benToken), "ava");
        await using var ben = await tenant.ConnectAsync(benToken);
        var sockets = new ControlledWebSockets();
        var ava = await tenant.SocketAsync("ava", Fast(sockets));
        var reading = Task.Run(async () =>
        {
            await foreach (var _ in ava.ReadEventsAsync()) { }
        });

        await ava.DisposeAsync();

        Assert.Equal(ConfabSocketState.Closed, ava.State);
        await reading.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, sockets.Latest.CloseStatus);
        await ben.NextAsync(e => e.Type == EventTypes.Presence && e.AsPresence() is { UserId: "ava", Status: "offline" });
        await Assert.ThrowsAsync<ObjectDisposedException>(() => ava.PingAsync());
        Assert.Equal(1, sockets.OpenedCount);
    }

    /// <summary>Ava, on sockets the test controls, in a group with ben; her socket drops, new connections wait, and ben sends these meanwhile.</summary>
    private async Task<Dropped> DroppedWhileBenSendsAsync(params string[] missed)
    {
        var (tenant, ben, _, group) = await SdkTenant.BenWithAvaAsync(server);
        var sockets = new ControlledWebSockets();
        var ava = await tenant.SocketAsync("ava", Fast(sockets));
        sockets.Hold();
        var reconnecting = ava.StateAsync(ConfabSocketState.Reconnecting);
        sockets.DropLatest();
        await reconnecting;
        foreach (var text in missed) await ben.Messages.SendAsync(group, new SendMessageRequest { Text = text });
        return new Dropped(ben, group, sockets, ava);
    }

    private sealed record Dropped(ConfabClient Ben, string Group, ControlledWebSockets Sockets, ConfabSocket Ava) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Ava.DisposeAsync();
    }

    private static async Task SendManyAsync(ConfabClient sender, string conversationId, string name, int count)
    {
        for (var i = 0; i < count; i++)
        {
            await sender.Messages.SendAsync(conversationId, new SendMessageRequest { Text = $"{name} {i}" });
            await Task.Delay(15);
        }
    }
}
