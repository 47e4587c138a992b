using Confab.Client;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Client;

public sealed class MessagesClientTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Sending_is_idempotent_on_the_client_message_id()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ava = await tenant.UserAsync("ava");
        await tenant.TokenAsync("ben");
        var group = await SdkTenant.GroupAsync(ava, "ben");

        var sent = await ava.Messages.SendAsync(group, new SendMessageRequest { Text = "hello @ben", Mentions = ["ben"], ClientMessageId = "m-1" });
        var retried = await ava.Messages.SendAsync(group, new SendMessageRequest { Text = "hello @ben", Mentions = ["ben"], ClientMessageId = "m-1" });
        Assert.True(sent.Created);
        Assert.False(retried.Created);
        Assert.Equal(sent.Message.Id, retried.Message.Id);
        Assert.Equal(("text", "ava", "m-1", "sent"), (sent.Message.Kind, sent.Message.Sender?.Id, sent.Message.ClientMessageId, sent.Message.Status));
        Assert.Equal(["ben"], sent.Message.Mentions);
        Assert.Equal(TimeSpan.Zero, sent.Message.CreatedAt.Offset);
    }

    [Fact]
    public async Task History_pages_by_cursor_and_by_anchor()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ava = await tenant.UserAsync("ava");
        await tenant.TokenAsync("ben");
        var group = await SdkTenant.GroupAsync(ava, "ben");
        var ids = new List<string>();
        for (var i = 0; i < 7; i++) ids.Add((await ava.Messages.SendAsync(group, new SendMessageRequest { Text = $"m{i}" })).Message.Id);

        var newest = await ava.Messages.ListAsync(group, new MessageListQuery { Limit = 3 });
        Assert.Equal(["m6", "m5", "m4"], newest.Items.Select(m => m.Text));
        var older = await ava.Messages.ListAsync(group, new MessageListQuery { Limit = 3, Cursor = newest.NextCursor });
        Assert.Equal(["m3", "m2", "m1"], older.Items.Select(m => m.Text));

        Assert.Equal(["m2", "m1", "m0"], (await ava.Messages.ListAsync(group, new MessageListQuery { BeforeId = ids[3] })).Items.Select(m => m.Text));
        var after = await ava.Messages.ListAsync(group, new MessageListQuery { AfterId = ids[2], Limit = 2 });
        Assert.Equal(["m3", "m4"], after.Items.Select(m => m.Text));
        Assert.Equal(["m5", "m6"], (await ava.Messages.ListAsync(group, new MessageListQuery { Cursor = after.NextCursor })).Items.Select(m => m.Text));
        Assert.Equal(["m4", "m3", "m2"], (await ava.Messages.ListAsync(group, new MessageListQuery { AroundId = ids[3], Limit = 3 })).Items.Select(m => m.Text));
    }

    [Fact]
    public async Task Edit_delete_delete_for_me_and_forward()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ava = await tenant.UserAsync("ava");
        var ben = await tenant.UserAsync("ben");
        var group = await SdkTenant.GroupAsync(ava, "ben");
        var other = await SdkTenant.GroupAsync(ava, "ben");
        var first = (await ava.Messages.SendAsync(group, new SendMessageRequest { Text = "first" })).Message;
        var second = (await ava.Messages.SendAsync(group, new SendMessageRequest { Text = "second" })).Message;
        var third = (await ben.Messages.SendAsync(group, new SendMessageRequest { Text = "third" })).Message;

        var edited = await ava.Messages.EditAsync(group, first.Id, "first, edited");
        Assert.Equal("first, edited", edited.Text);
        Assert.NotNull(edited.EditedAt);

        await ava.Messages.DeleteAsync(group, second.Id);
        var tombstone = (await ben.Messages.ListAsync(group)).Items.Single(m => m.Id == second.Id);
        Assert.NotNull(tombstone.DeletedAt);
        Assert.True(string.IsNullOrEmpty(tombstone.Text));

        await ava.Messages.DeleteForMeAsync(group, third.Id);
        Assert.DoesNotContain(third.Id, (await ava.Messages.ListAsync(group)).Items.Select(m => m.Id));
        Assert.Contains(third.Id, (await ben.Messages.ListAsync(group)).Items.Select(m => m.Id));

        var forwarded = await ben.Messages.ForwardAsync(group, first.Id, other, "look");
        Assert.Equal((other, first.Id, group), (forwarded.ConversationId, forwarded.ForwardedFromMessageId, forwarded.ForwardedFromConversationId));
    }

    [Fact]
    public async Task Message_rules_surface_as_api_exceptions()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ava = await tenant.UserAsync("ava");
        var ben = await tenant.UserAsync("ben");
        var cat = await tenant.UserAsync("cat");
        var group = await SdkTenant.GroupAsync(ava, "ben");
        var mine = (await ava.Messages.SendAsync(group, new SendMessageRequest { Text = "mine" })).Message;

        var notSender = await Assert.ThrowsAsync<ConfabApiException>(() => ben.Messages.EditAsync(group, mine.Id, "yours"));
        Assert.Equal((403, "NOT_MESSAGE_SENDER"), (notSender.Status, notSender.Code));
        var hidden = await Assert.ThrowsAsync<ConfabApiException>(() => cat.Messages.SendAsync(group, new SendMessageRequest { Text = "hi" }));
        Assert.Equal((404, "CONVERSATION_NOT_FOUND"), (hidden.Status, hidden.Code));
        var missing = await Assert.ThrowsAsync<ConfabApiException>(() => ava.Messages.DeleteAsync(group, "m_missing00000000000000000"));
        Assert.Equal(404, missing.Status);
    }
}
