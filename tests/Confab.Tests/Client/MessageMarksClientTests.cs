using Confab.Client;
using Confab.Contracts;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Client;

public sealed class MessageMarksClientTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Reactions_pins_and_stars_round_trip_through_the_sdk()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ava = await tenant.UserAsync("ava");
        var ben = await tenant.UserAsync("ben");
        var group = await SdkTenant.GroupAsync(ava, "ben");
        var message = (await ben.Messages.SendAsync(group, new SendMessageRequest { Text = "lunch?" })).Message;

        var reacted = await ava.Messages.ReactAsync(group, message.Id, "🍕");
        Assert.Equal(("🍕", 1, true), (reacted.Reactions[0].Emoji, reacted.Reactions[0].Count, reacted.Reactions[0].ReactedByMe));
        Assert.Empty((await ava.Messages.UnreactAsync(group, message.Id, "🍕")).Reactions);
        var refused = await Assert.ThrowsAsync<ConfabApiException>(() => ava.Messages.ReactAsync(group, message.Id, "pizza"));
        Assert.Equal("INVALID_EMOJI", refused.Code);

        Assert.True((await ava.Messages.PinAsync(group, message.Id)).Pinned);
        Assert.Equal([message.Id], (await ben.Messages.ListPinsAsync(group)).Items.Select(m => m.Id));
        var forbidden = await Assert.ThrowsAsync<ConfabApiException>(() => ben.Messages.UnpinAsync(group, message.Id));
        Assert.Equal((403, "MISSING_PERMISSION"), (forbidden.Status, forbidden.Code));

        await ben.Messages.StarAsync(group, message.Id);
        Assert.Equal([message.Id], (await ben.Messages.ListStarredAsync()).Items.Select(m => m.Id));
        await ben.Messages.UnstarAsync(group, message.Id);
        Assert.Empty((await ben.Messages.ListStarredAsync()).Items);
    }

    [Fact]
    public async Task A_mention_arrives_as_a_typed_notification_on_the_sdk_socket()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ava = await tenant.UserAsync("ava");
        var benToken = await tenant.TokenAsync("ben");
        var group = await SdkTenant.GroupAsync(ava, "ben");
        await using var socket = new ConfabSocket(tenant.BaseAddress, benToken);
        await socket.ConnectAsync();

        var sent = await ava.Messages.SendAsync(group, new SendMessageRequest { Text = "@ben look", Mentions = ["ben"] });

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var e in socket.ReadEventsAsync(timeout.Token))
        {
            if (e.Type != EventTypes.Notification) continue;
            var notification = e.AsNotification();
            Assert.Equal(("mention", sent.Message.Id, "ava"), (notification.Kind, notification.MessageId, notification.Actor?.Id));
            return;
        }
        Assert.Fail("The event stream ended without the notification.");
    }
}
