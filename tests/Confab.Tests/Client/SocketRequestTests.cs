using System.Text.Json.Nodes;
using Confab.Client;
using Confab.Contracts;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Client;

public sealed class SocketRequestTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task A_sent_message_is_acknowledged_with_the_stored_message_and_arrives_once_as_an_event()
    {
        var (tenant, ben, _, group) = await SdkTenant.BenWithAvaAsync(server);
        await using var ava = await tenant.SocketAsync("ava");

        var sent = await ava.SendMessageAsync(group, new SendMessageRequest { Text = "over the socket", ClientMessageId = "s-1" });
        var retried = await ava.SendMessageAsync(group, new SendMessageRequest { Text = "over the socket", ClientMessageId = "s-1" });
        Assert.Equal(("over the socket", "ava", group), (sent.Text, sent.Sender?.Id, sent.ConversationId));
        Assert.Equal(sent.Id, retried.Id);

        var created = await ava.NextAsync(EventTypes.MessageCreated);
        Assert.Equal(sent.Id, created.AsMessage().Id);
        Assert.DoesNotContain(await ava.DrainAsync(TimeSpan.FromMilliseconds(300)), e => e.Type == EventTypes.MessageCreated);
        Assert.Equal(["over the socket"], (await ben.Messages.ListAsync(group)).Items.Select(m => m.Text));
    }

    [Fact]
    public async Task An_error_frame_fails_only_its_request_with_the_server_code()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ben = await tenant.UserAsync("ben");
        var private_ = await SdkTenant.GroupAsync(ben);
        await using var ava = await tenant.SocketAsync("ava");

        var hidden = await Assert.ThrowsAsync<ConfabApiException>(() => ava.SendMessageAsync(private_, new SendMessageRequest { Text = "hi" }));
        Assert.Equal((null, "CONVERSATION_NOT_FOUND"), (hidden.Status, hidden.Code));
        var unknown = await Assert.ThrowsAsync<ConfabApiException>(() => ava.RequestAsync("no.such.request"));
        Assert.Equal("UNKNOWN_TYPE", unknown.Code);
        var invalid = await Assert.ThrowsAsync<ConfabApiException>(() => ava.SetPresenceAsync("asleep"));
        Assert.Equal("VALIDATION_FAILED", invalid.Code);

        Assert.True(await ava.PingAsync() > TimeSpan.Zero);
        Assert.Equal(ConfabSocketState.Connected, ava.State);
    }

    [Fact]
    public async Task A_request_the_server_never_answers_times_out_and_the_socket_carries_on()
    {
        var (tenant, ben, _, group) = await SdkTenant.BenWithAvaAsync(server);
        var sockets = new ControlledWebSockets { Swallow = frame => frame.Contains("\"type\":\"ping\"", StringComparison.Ordinal) };
        await using var ava = await tenant.SocketAsync("ava", new ConfabSocketOptions
        {
            RequestTimeout = TimeSpan.FromMilliseconds(300),
            WebSocketFactory = sockets.ConnectAsync,
        });

        var started = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAsync<TimeoutException>(() => ava.PingAsync());
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));

        Assert.Equal("still here", (await ava.SendMessageAsync(group, new SendMessageRequest { Text = "still here" })).Text);
        Assert.Equal(1, sockets.OpenedCount);
    }

    [Fact]
    public async Task Receipts_and_subscriptions_over_the_socket()
    {
        var (tenant, ben, _, group) = await SdkTenant.BenWithAvaAsync(server);
        var first = (await ben.Messages.SendAsync(group, new SendMessageRequest { Text = "one" })).Message;
        await ben.Messages.SendAsync(group, new SendMessageRequest { Text = "two" });
        var channel = (await ben.Conversations.CreateAsync(new CreateConversationRequest { Type = "channel", Title = "News", PublicUsername = "news_" + Guid.NewGuid().ToString("N")[..8] }))
            .Conversation.Id;
        await using var ava = await tenant.SocketAsync("ava");

        var delivered = await ava.MarkDeliveredAsync(group);
        Assert.Equal(("delivered", 2L), (delivered.Status, delivered.UnreadCount));
        var read = await ava.MarkReadAsync(group, [first.Id]);
        Assert.Equal(("read", first.Id, 1L), (read.Status, read.UpToMessageId, read.UnreadCount));

        await ava.SubscribeAsync(channel);
        await ben.Messages.SendAsync(channel, new SendMessageRequest { Text = "breaking" });
        var news = await ava.NextAsync(e => e.Type == EventTypes.MessageCreated && e.AsMessage().ConversationId == channel);
        Assert.Equal("breaking", news.AsMessage().Text);

        await ava.UnsubscribeAsync(channel);
        await ben.Messages.SendAsync(channel, new SendMessageRequest { Text = "old news" });
        Assert.DoesNotContain(await ava.DrainAsync(TimeSpan.FromMilliseconds(500)),
            e => e.Type == EventTypes.MessageCreated && e.AsMessage().ConversationId == channel);
    }

    [Fact]
    public async Task A_request_made_while_reconnecting_waits_for_the_connection()
    {
        var (tenant, ben, _, group) = await SdkTenant.BenWithAvaAsync(server);
        var sockets = new ControlledWebSockets();
        await using var ava = await tenant.SocketAsync("ava", new ConfabSocketOptions
        {
            InitialReconnectDelay = TimeSpan.FromMilliseconds(400),
            WebSocketFactory = sockets.ConnectAsync,
        });

        var reconnecting = ava.StateAsync(ConfabSocketState.Reconnecting);
        sockets.DropLatest();
        await reconnecting;
        var sent = await ava.SendMessageAsync(group, new SendMessageRequest { Text = "queued" });

        Assert.Equal("queued", sent.Text);
        Assert.Equal(2, sockets.OpenedCount);
        Assert.Equal(ConfabSocketState.Connected, ava.State);
    }

    [Fact]
    public async Task A_connection_cut_between_two_reads_is_reconnected_like_any_other()
    {
        var (tenant, ben, token, group) = await SdkTenant.BenWithAvaAsync(server);
        var sockets = new ControlledWebSockets();
        await using var ava = new ConfabSocket(tenant.BaseAddress, token, new ConfabSocketOptions
        {
            InitialReconnectDelay = TimeSpan.FromMilliseconds(100),
            WebSocketFactory = sockets.ConnectAsync,
        });
        // The first connection is cut on the thread that reports it connected, before the socket reads its next frame:
        // that read then finds the WebSocket disposed rather than failing while it waits.
        var cuts = 0;
        ava.StateChanged += (_, state) =>
        {
            if (state == ConfabSocketState.Connected && Interlocked.Increment(ref cuts) == 1) sockets.DropLatest();
        };

        var reconnecting = ava.StateAsync(ConfabSocketState.Reconnecting);
        await ava.ConnectAsync();
        await reconnecting;
        var sent = await ava.SendMessageAsync(group, new SendMessageRequest { Text = "after the cut" });

        Assert.Equal("after the cut", sent.Text);
        Assert.Equal(2, sockets.OpenedCount);
    }

    [Fact]
    public async Task Generic_requests_carry_any_payload()
    {
        var (tenant, ben, _, group) = await SdkTenant.BenWithAvaAsync(server);
        await using var ava = await tenant.SocketAsync("ava");

        var ack = await ava.RequestAsync("conversation.subscribe", new JsonObject { ["conversationId"] = group });
        Assert.Equal(group, ack.GetProperty("conversationId").GetString());
    }
}
