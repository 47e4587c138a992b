using Confab.Client;
using Confab.Contracts;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Client;

public sealed class ConversationsClientTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Create_get_and_the_idempotent_direct_conversation()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ava = await tenant.UserAsync("ava");
        await tenant.TokenAsync("ben");

        var group = await ava.Conversations.CreateAsync(new CreateConversationRequest { Type = "group", Title = "Team", ParticipantIds = ["ben"] });
        Assert.True(group.Created);
        Assert.Equal(("group", "Team", "ava", 2, "owner"), (group.Conversation.Type, group.Conversation.Title, group.Conversation.OwnerId,
            group.Conversation.MemberCount, group.Conversation.MyRole));

        var detail = await ava.Conversations.GetAsync(group.Conversation.Id);
        Assert.Equal(["ava", "ben"], detail.Members!.Select(m => m.User.Id).Order());

        var direct = await ava.Conversations.CreateAsync(new CreateConversationRequest { Type = "direct", ParticipantIds = ["ben"] });
        var again = await ava.Conversations.CreateAsync(new CreateConversationRequest { Type = "direct", ParticipantIds = ["ben"] });
        Assert.True(direct.Created);
        Assert.False(again.Created);
        Assert.Equal(direct.Conversation.Id, again.Conversation.Id);
    }

    [Fact]
    public async Task The_list_filters_and_pages()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ava = await tenant.UserAsync("ava");
        await tenant.TokenAsync("ben");
        var ids = new List<string>();
        foreach (var title in new[] { "Alpha", "Beta", "Gamma" })
            ids.Add((await ava.Conversations.CreateAsync(new CreateConversationRequest { Type = "group", Title = title, ParticipantIds = ["ben"] })).Conversation.Id);
        await ava.Conversations.CreateAsync(new CreateConversationRequest { Type = "direct", ParticipantIds = ["ben"] });
        await ava.Conversations.UpdateAsync(ids[1], new UpdateConversationRequest { Pinned = true });

        Assert.Equal(3, (await ava.Conversations.ListAsync(new ConversationListQuery { Type = "group" })).Items.Count);
        Assert.Equal([ids[1]], (await ava.Conversations.ListAsync(new ConversationListQuery { Pinned = true })).Items.Select(c => c.Id));
        Assert.Equal([ids[2]], (await ava.Conversations.ListAsync(new ConversationListQuery { Q = "gamm" })).Items.Select(c => c.Id));
        Assert.Equal(ids.Order(), (await ava.Conversations.ListAsync(new ConversationListQuery { Role = "owner" })).Items.Select(c => c.Id).Order());

        var paged = new List<string>();
        string? cursor = null;
        do
        {
            var page = await ava.Conversations.ListAsync(new ConversationListQuery { Type = "group", Limit = 2, Cursor = cursor });
            paged.AddRange(page.Items.Select(c => c.Id));
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        Assert.Equal(ids.Order(), paged.Order());

        var refused = await Assert.ThrowsAsync<ConfabApiException>(() => ava.Conversations.ListAsync(new ConversationListQuery { Type = "nope" }));
        Assert.Equal((400, "VALIDATION_FAILED"), (refused.Status, refused.Code));
    }

    [Fact]
    public async Task Updates_change_shared_fields_and_own_settings_and_null_clears()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ava = await tenant.UserAsync("ava");
        var ben = await tenant.UserAsync("ben");
        var id = (await ava.Conversations.CreateAsync(new CreateConversationRequest
        {
            Type = "group", Title = "Team", Description = "About us", ParticipantIds = ["ben"],
        })).Conversation.Id;

        var mutedUntil = new DateTimeOffset(2099, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);
        var updated = await ava.Conversations.UpdateAsync(id, new UpdateConversationRequest { Title = "Core team", Description = null, Muted = true, MutedUntil = mutedUntil });
        Assert.Equal(("Core team", null, true, mutedUntil), (updated.Title, updated.Description, updated.Muted, updated.MutedUntil));

        var withAvatar = await ava.Conversations.SetAvatarAsync(id, "https://example.com/team.png");
        Assert.Equal("https://example.com/team.png", withAvatar.AvatarUrl);
        Assert.Null((await ava.Conversations.SetAvatarAsync(id, null)).AvatarUrl);

        var refused = await Assert.ThrowsAsync<ConfabApiException>(() => ben.Conversations.UpdateAsync(id, new UpdateConversationRequest { Title = "Mine" }));
        Assert.Equal((403, "MISSING_PERMISSION"), (refused.Status, refused.Code));
    }

    [Fact]
    public async Task Delete_archives_for_a_member_and_deletes_for_the_owner()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ava = await tenant.UserAsync("ava");
        var ben = await tenant.UserAsync("ben");
        var id = await SdkTenant.GroupAsync(ava, "ben");

        await ben.Conversations.DeleteAsync(id);
        Assert.Empty((await ben.Conversations.ListAsync()).Items);
        Assert.Equal([id], (await ben.Conversations.ListAsync(new ConversationListQuery { Archived = true })).Items.Select(c => c.Id));

        await ava.Conversations.DeleteAsync(id);
        var gone = await Assert.ThrowsAsync<ConfabApiException>(() => ava.Conversations.GetAsync(id));
        Assert.Equal((404, "CONVERSATION_NOT_FOUND"), (gone.Status, gone.Code));
    }
}
