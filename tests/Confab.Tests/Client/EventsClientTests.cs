using Confab.Client;
using Confab.Contracts;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Client;

public sealed class EventsClientTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task The_long_poll_returns_waiting_events_then_waits_for_the_next()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ava = await tenant.UserAsync("ava");
        var ben = await tenant.UserAsync("ben");
        var now = await ava.Events.PollAsync(since: null);
        Assert.Empty(now.Items);

        var group = await SdkTenant.GroupAsync(ben, "ava");
        await ben.Messages.SendAsync(group, new SendMessageRequest { Text = "hello" });
        var waiting = await ava.Events.PollAsync(now.Since);
        Assert.Equal([EventTypes.ConversationCreated, EventTypes.MessageCreated], waiting.Items.Select(e => e.Type));
        Assert.Equal(group, waiting.Items[0].AsConversation().Id);
        Assert.Equal("hello", waiting.Items[1].AsMessage().Text);
        Assert.Equal(waiting.Items[1].Seq, waiting.Since);

        var next = ava.Events.PollAsync(waiting.Since, TimeSpan.FromSeconds(20));
        await Task.Delay(200);
        Assert.False(next.IsCompleted);
        await ben.Messages.SendAsync(group, new SendMessageRequest { Text = "again" });
        var arrived = await next.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("again", arrived.Items.Single().AsMessage().Text);
    }

    [Fact]
    public async Task A_bad_position_is_refused()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ava = await tenant.UserAsync("ava");
        var refused = await Assert.ThrowsAsync<ConfabApiException>(() => ava.Events.PollAsync(since: -1));
        Assert.Equal((400, "INVALID_PARAMETER"), (refused.Status, refused.Code));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ava.Events.PollAsync(0, TimeSpan.FromSeconds(31)));
    }
}
