using Confab.Client;
using Confab.Contracts;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Client;

public sealed class MembersClientTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Members_are_listed_added_updated_removed_and_leave()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ava = await tenant.UserAsync("ava");
        var ben = await tenant.UserAsync("ben");
        await tenant.TokenAsync("cat");
        await tenant.TokenAsync("dan");
        var id = await SdkTenant.GroupAsync(ava, "ben");

        var added = await ava.Members.AddAsync(id, ["cat", "dan"]);
        Assert.Equal(["cat", "dan"], added.Select(m => m.User.Id).Order());

        var first = await ava.Members.ListAsync(id, limit: 2);
        var rest = await ava.Members.ListAsync(id, cursor: first.NextCursor);
        Assert.Equal(["ava", "ben", "cat", "dan"], first.Items.Concat(rest.Items).Select(m => m.User.Id).Order());

        var moderator = await ava.Members.UpdateAsync(id, "ben", new UpdateMemberRequest { Role = "moderator", Title = "Keeper" });
        Assert.Equal(("moderator", "Keeper"), (moderator.Role, moderator.Title));
        Assert.Contains("manage_members", moderator.Permissions);
        var restricted = await ava.Members.UpdateAsync(id, "cat", new UpdateMemberRequest { Permissions = ["send_messages"] });
        Assert.Equal(["send_messages"], restricted.Permissions);
        var restored = await ava.Members.UpdateAsync(id, "cat", new UpdateMemberRequest { Permissions = null });
        Assert.Equal(["send_media", "send_messages"], restored.Permissions.Order());

        await ben.Members.RemoveAsync(id, "dan");
        await ben.Members.RemoveAsync(id, "ben");
        Assert.Equal(["ava", "cat"], (await ava.Members.ListAsync(id)).Items.Select(m => m.User.Id).Order());
    }

    [Fact]
    public async Task Member_rules_surface_as_api_exceptions()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ava = await tenant.UserAsync("ava");
        var ben = await tenant.UserAsync("ben");
        await tenant.TokenAsync("cat");
        var group = await SdkTenant.GroupAsync(ava, "ben");
        var direct = (await ava.Conversations.CreateAsync(new CreateConversationRequest { Type = "direct", ParticipantIds = ["ben"] })).Conversation.Id;

        var notAllowed = await Assert.ThrowsAsync<ConfabApiException>(() => ben.Members.AddAsync(group, ["cat"]));
        Assert.Equal((403, "MISSING_PERMISSION"), (notAllowed.Status, notAllowed.Code));
        var isDirect = await Assert.ThrowsAsync<ConfabApiException>(() => ava.Members.AddAsync(direct, ["cat"]));
        Assert.Equal((403, "DIRECT_CONVERSATION"), (isDirect.Status, isDirect.Code));
        var notMember = await Assert.ThrowsAsync<ConfabApiException>(() => ava.Members.RemoveAsync(group, "cat"));
        Assert.Equal((404, "MEMBER_NOT_FOUND"), (notMember.Status, notMember.Code));
    }
}
