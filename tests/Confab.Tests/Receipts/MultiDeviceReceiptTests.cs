using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Receipts;

/// <summary>Receipts belong to the user, not the session: a read on one device shows on every other.</summary>
public sealed class MultiDeviceReceiptTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task A_read_on_one_device_is_reflected_on_the_other()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var phone = await tenant.SessionAsync("bob");
        var laptop = await tenant.SessionAsync("bob");
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        var first = await tenant.SendAsync(alice, conversation, "one");
        var second = await tenant.SendAsync(alice, conversation, "two");
        Assert.Equal(2, await TotalUnreadAsync(phone));
        Assert.Equal(2, await TotalUnreadAsync(laptop));

        await phone.PostJsonAsync($"/v1/conversations/{conversation}/read", new { upToMessageId = first.Str("id") }).ExpectJson(200, 204);

        foreach (var device in new[] { phone, laptop })
        {
            Assert.Equal(1, await TotalUnreadAsync(device));
            Assert.Equal(1, await DetailUnreadAsync(device, conversation));
            Assert.Equal(first.Str("id"), (await device.GetAsync($"/v1/conversations/{conversation}/read-state").ExpectJson(200)).StrOrNull("lastReadMessageId"));
        }

        await laptop.PostJsonAsync($"/v1/conversations/{conversation}/read", new { upToMessageId = second.Str("id") }).ExpectJson(200, 204);

        foreach (var device in new[] { phone, laptop })
        {
            Assert.Equal(0, await TotalUnreadAsync(device));
            Assert.Equal(second.Str("id"), (await device.GetAsync($"/v1/conversations/{conversation}/read-state").ExpectJson(200)).StrOrNull("lastReadMessageId"));
        }
    }

    [Fact]
    public async Task An_older_read_from_a_lagging_device_does_not_undo_a_newer_one()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var phone = await tenant.SessionAsync("bob");
        var laptop = await tenant.SessionAsync("bob");
        var conversation = await tenant.CreateConversationAsync(alice, "direct", "bob");
        var first = await tenant.SendAsync(alice, conversation, "one");
        var second = await tenant.SendAsync(alice, conversation, "two");

        await laptop.PostJsonAsync($"/v1/conversations/{conversation}/read", new { messageIds = new List<string> { second.Str("id") } }).ExpectJson(200, 204);
        await phone.PostJsonAsync($"/v1/conversations/{conversation}/read", new { messageIds = new List<string> { first.Str("id") } }).ExpectJson(200, 204);

        Assert.Equal(0, await TotalUnreadAsync(phone));
        Assert.Equal(second.Str("id"), (await phone.GetAsync($"/v1/conversations/{conversation}/read-state").ExpectJson(200)).StrOrNull("lastReadMessageId"));
        var own = (await alice.GetAsync($"/v1/conversations/{conversation}/messages").ExpectJson(200)).Items().Single(m => m.Str("id") == second.Str("id"));
        Assert.Equal("read", own.StrOrNull("status"));
    }

    [Fact]
    public async Task Messages_sent_from_one_device_are_not_unread_on_the_other()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.SessionAsync("bob");
        var phone = await tenant.SessionAsync("alice");
        var laptop = await tenant.SessionAsync("alice");
        var conversation = await tenant.CreateConversationAsync(phone, "group", "bob");

        await tenant.SendAsync(phone, conversation, "sent from my phone");

        Assert.Equal(0, await TotalUnreadAsync(laptop));
        Assert.Equal(0, await DetailUnreadAsync(laptop, conversation));
        var own = Assert.Single((await laptop.GetAsync($"/v1/conversations/{conversation}/messages").ExpectJson(200)).Items());
        Assert.Equal("sent", own.StrOrNull("status"));
    }

    [Fact]
    public async Task A_read_on_one_device_tells_every_device_of_the_user_through_one_user_event()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var phone = await tenant.SessionAsync("bob");
        await tenant.SessionAsync("bob");
        var conversation = await tenant.CreateConversationAsync(alice, "group", "bob");
        await tenant.SendAsync(alice, conversation, "one");
        var position = await server.LastPositionAsync(tenant.Id);

        await phone.PostJsonAsync($"/v1/conversations/{conversation}/read", new { }).ExpectJson(200, 204);

        var unread = Assert.Single(await server.ReadAsync(tenant.Id, position), e => e.Type == "unread.updated");
        Assert.Equal("bob", unread.UserId);
        Assert.Null(unread.ConversationId);
    }

    private static async Task<long> TotalUnreadAsync(HttpClient client) =>
        (await client.GetAsync("/v1/unread").ExpectJson(200)).GetProperty("totalUnread").GetInt64();

    private static async Task<long> DetailUnreadAsync(HttpClient client, string conversationId) =>
        (await client.GetAsync($"/v1/conversations/{conversationId}").ExpectJson(200)).GetProperty("unreadCount").GetInt64();
}
