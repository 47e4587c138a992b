using Confab.Client;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Client;

public sealed class ReceiptsClientTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Delivered_and_read_marks_move_the_read_state_and_unread_counts()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ava = await tenant.UserAsync("ava");
        var ben = await tenant.UserAsync("ben");
        var group = await SdkTenant.GroupAsync(ava, "ben");
        var ids = new List<string>();
        for (var i = 0; i < 3; i++) ids.Add((await ben.Messages.SendAsync(group, new SendMessageRequest { Text = $"m{i}" })).Message.Id);

        var unread = await ava.Receipts.GetUnreadAsync();
        Assert.Equal(3, unread.TotalUnread);
        Assert.Equal([(group, 3L)], unread.ByConversation.Select(c => (c.ConversationId, c.UnreadCount)));

        var delivered = await ava.Receipts.MarkDeliveredAsync(group);
        Assert.Equal(("delivered", ids[2]), (delivered.Status, delivered.UpToMessageId));

        var read = await ava.Receipts.MarkReadAsync(group, new ReceiptRequest { MessageIds = [ids[1]] });
        Assert.Equal(("read", ids[1], 1L), (read.Status, read.UpToMessageId, read.UnreadCount));

        var state = await ben.Receipts.GetReadStateAsync(group);
        var avaState = state.Members.Single(m => m.UserId == "ava");
        Assert.Equal((ids[1], ids[2]), (avaState.LastReadMessageId, avaState.LastDeliveredMessageId));
        Assert.NotNull(avaState.LastReadAt);

        var all = await ava.Receipts.MarkReadAsync(group, new ReceiptRequest { UpToMessageId = ids[2] });
        Assert.Equal(0, all.UnreadCount);
        Assert.Equal(0, (await ava.Receipts.GetUnreadAsync()).TotalUnread);
    }

    [Fact]
    public async Task Marks_in_a_conversation_one_cannot_see_are_refused()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ava = await tenant.UserAsync("ava");
        var cat = await tenant.UserAsync("cat");
        var group = await SdkTenant.GroupAsync(ava);
        var refused = await Assert.ThrowsAsync<ConfabApiException>(() => cat.Receipts.MarkReadAsync(group));
        Assert.Equal((404, "CONVERSATION_NOT_FOUND"), (refused.Status, refused.Code));
    }
}
