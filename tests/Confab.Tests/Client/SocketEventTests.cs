using Confab.Client;
using Confab.Contracts;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Client;

public sealed class SocketEventTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Durable_events_arrive_in_seq_order_with_typed_payloads()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ben = await tenant.UserAsync("ben");
        var avaToken = await tenant.TokenAsync("ava");
        var avaRest = new ConfabClient(tenant.Http, avaToken);
        await using var ava = await tenant.ConnectAsync(avaToken);
        long last = ava.LastSeq ?? 0;
        async Task<ConfabEvent> Next(string type)
        {
            var e = await ava.NextAsync(type);
            Assert.True(e.Seq > last, $"{type} came with seq {e.Seq} after {last}");
            last = e.Seq!.Value;
            return e;
        }

        var group = await SdkTenant.GroupAsync(ben, "ava");
        Assert.Equal(group, (await Next(EventTypes.ConversationCreated)).AsConversation().Id);

        var sent = (await ben.Messages.SendAsync(group, new SendMessageRequest { Text = "hello" })).Message;
        Assert.Equal(("hello", "ben"), ((await Next(EventTypes.MessageCreated)).AsMessage() is var created ? (created.Text, created.Sender?.Id) : default));

        await ben.Messages.EditAsync(group, sent.Id, "hello!");
        Assert.Equal("hello!", (await Next(EventTypes.MessageUpdated)).AsMessage().Text);

        await ben.Members.UpdateAsync(group, "ava", new UpdateMemberRequest { Role = "admin" });
        var promoted = (await Next(EventTypes.MemberUpdated)).AsMemberEvent();
        Assert.Equal((group, "ava", "admin"), (promoted.ConversationId, promoted.Member?.User.Id, promoted.Member?.Role));

        await avaRest.Receipts.MarkReadAsync(group);
        var receipt = (await Next(EventTypes.MessageReceipt)).AsReceipt();
        Assert.Equal(("ava", "read"), (receipt.UserId, receipt.Status));
        Assert.Equal([sent.Id], receipt.MessageIds);
        var unread = (await Next(EventTypes.UnreadUpdated)).AsUnreadUpdated();
        Assert.Equal((group, 0L, 0L), (unread.ConversationId, unread.UnreadCount, unread.TotalUnread));

        await ben.Messages.DeleteAsync(group, sent.Id);
        Assert.Equal(sent.Id, (await Next(EventTypes.MessageDeleted)).AsMessageDeleted().MessageId);

        await ben.Members.RemoveAsync(group, "ava");
        Assert.Equal("ava", (await Next(EventTypes.MemberRemoved)).AsMemberEvent().UserId);
        Assert.Equal(last, ava.LastSeq);
    }

    [Fact]
    public async Task Typing_and_presence_are_ephemeral_events()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var benToken = await tenant.TokenAsync("ben");
        var avaToken = await tenant.TokenAsync("ava");
        var group = await SdkTenant.GroupAsync(new ConfabClient(tenant.Http, benToken), "ava");
        await using var ava = await tenant.ConnectAsync(avaToken);
        await using var ben = await tenant.ConnectAsync(benToken);

        var online = await ava.NextAsync(e => e.Type == EventTypes.Presence && e.AsPresence().UserId == "ben");
        Assert.Equal(("online", false, null), (online.AsPresence().Status, online.IsDurable, online.Seq));

        await ben.SetTypingAsync(group);
        var typing = await ava.NextAsync(EventTypes.Typing);
        var started = typing.AsTyping();
        Assert.Equal((group, "ben", true, false), (started.ConversationId, started.UserId, started.IsTyping, typing.IsDurable));
        Assert.NotNull(started.ExpiresAt);
        Assert.Throws<InvalidOperationException>(() => typing.AsMessage());

        await ben.SetTypingAsync(group, isTyping: false);
        Assert.False((await ava.NextAsync(EventTypes.Typing)).AsTyping().IsTyping);

        await ben.SetPresenceAsync("away");
        Assert.Equal("away", (await ava.NextAsync(e => e.Type == EventTypes.Presence && e.AsPresence().UserId == "ben")).AsPresence().Status);
    }
}
