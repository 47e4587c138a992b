using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Conversations;

/// <summary>DELETE /v1/conversations/{id}: the owner deletes for everyone; anyone else archives for themselves until new activity.</summary>
public sealed class ConversationDeleteTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Theory]
    [InlineData("group")]
    [InlineData("channel")]
    public async Task The_owner_deletes_a_group_or_channel_for_everyone(string type)
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob, carol) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"), await tenant.SessionAsync("carol"));
        var id = await tenant.CreateConversationAsync(alice, type, "bob", "carol");
        await tenant.SendAsync(bob, id, "soon gone");
        var position = await server.LastPositionAsync(tenant.Id);

        await alice.DeleteAsync($"/v1/conversations/{id}").Expect(204);

        foreach (var member in new[] { alice, bob, carol })
        {
            await member.GetAsync($"/v1/conversations/{id}").ExpectProblem(404, "CONVERSATION_NOT_FOUND");
            await member.GetAsync($"/v1/conversations/{id}/messages").ExpectProblem(404);
            await member.PostJsonAsync($"/v1/conversations/{id}/messages", new { text = "anyone?" }).ExpectProblem(404);
            Assert.Empty((await member.GetAsync("/v1/conversations").ExpectJson(200)).Items());
            Assert.Empty((await member.GetAsync("/v1/conversations?archived=true").ExpectJson(200)).Items());
        }
        var deleted = Assert.Single(await server.ReadAsync(tenant.Id, position), e => e.Type == "conversation.deleted");
        Assert.Equal(id, deleted.ConversationId);
        using var payload = JsonDocument.Parse(deleted.Payload);
        Assert.Equal(id, payload.RootElement.Str("conversationId"));
    }

    [Theory]
    [InlineData("admin")]
    [InlineData("moderator")]
    [InlineData("member")]
    public async Task Anyone_but_the_owner_archives_the_conversation_for_themselves_only(string role)
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob, carol) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"), await tenant.SessionAsync("carol"));
        var id = await tenant.CreateConversationAsync(alice, "group", "bob", "carol");
        if (role != "member") await alice.PatchJsonAsync($"/v1/conversations/{id}/members/bob", new { role }).ExpectJson(200);
        var position = await server.LastPositionAsync(tenant.Id);

        await bob.DeleteAsync($"/v1/conversations/{id}").Expect(204);

        Assert.DoesNotContain(id, await ListAsync(bob));
        Assert.Contains(id, await ListAsync(bob, "archived=true"));
        var forBob = await bob.GetAsync($"/v1/conversations/{id}").ExpectJson(200);
        Assert.True(forBob.GetProperty("archived").GetBoolean());
        Assert.Equal(3, forBob.GetProperty("memberCount").GetInt32());
        foreach (var other in new[] { alice, carol })
        {
            Assert.Contains(id, await ListAsync(other));
            Assert.False((await other.GetAsync($"/v1/conversations/{id}").ExpectJson(200)).GetProperty("archived").GetBoolean());
        }
        var archivedEvent = Assert.Single(await server.ReadAsync(tenant.Id, position));
        Assert.Equal("conversation.updated", archivedEvent.Type);
        Assert.Equal("bob", archivedEvent.UserId);
        Assert.Null(archivedEvent.ConversationId);
        await tenant.SendAsync(carol, id, "still here");
        Assert.DoesNotContain(await server.ReadAsync(tenant.Id, position), e => e.Type == "conversation.deleted");
    }

    [Fact]
    public async Task Deleting_a_direct_conversation_archives_it_for_the_caller_only()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var id = await tenant.CreateConversationAsync(alice, "direct", "bob");
        var position = await server.LastPositionAsync(tenant.Id);

        await alice.DeleteAsync($"/v1/conversations/{id}").Expect(204);

        Assert.Empty(await ListAsync(alice));
        Assert.Equal(Ids(id), await ListAsync(alice, "archived=true"));
        Assert.Equal(Ids(id), await ListAsync(bob));
        await bob.GetAsync($"/v1/conversations/{id}").Expect(200);
        Assert.DoesNotContain(await server.ReadAsync(tenant.Id, position), e => e.Type == "conversation.deleted");
    }

    [Fact]
    public async Task A_new_message_brings_an_archived_conversation_back()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var direct = await tenant.CreateConversationAsync(alice, "direct", "bob");
        await bob.DeleteAsync($"/v1/conversations/{group}").Expect(204);
        await bob.DeleteAsync($"/v1/conversations/{direct}").Expect(204);
        Assert.Empty(await ListAsync(bob));

        await tenant.SendAsync(alice, group, "wake up");
        Assert.Equal(Ids(group), await ListAsync(bob));
        Assert.False((await bob.GetAsync($"/v1/conversations/{group}").ExpectJson(200)).GetProperty("archived").GetBoolean());

        await tenant.SendAsync(alice, direct, "you too");
        Assert.Contains(direct, await ListAsync(bob));
        Assert.Empty(await ListAsync(bob, "archived=true"));
    }

    [Fact]
    public async Task Recreating_an_archived_direct_conversation_returns_it_unarchived()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.UpsertUserAsync("bob");
        var id = await tenant.CreateConversationAsync(alice, "direct", "bob");
        await alice.DeleteAsync($"/v1/conversations/{id}").Expect(204);

        var again = await alice.PostJsonAsync("/v1/conversations", new { type = "direct", participantIds = Ids("bob") }).ExpectJson(200);

        Assert.Equal(id, again.Str("id"));
        Assert.Equal(Ids(id), await ListAsync(alice));
    }

    [Fact]
    public async Task The_owner_deleting_does_not_touch_the_owners_other_conversations()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var doomed = await tenant.CreateConversationAsync(alice, "group", "bob");
        var kept = await tenant.CreateConversationAsync(alice, "group", "bob");
        await tenant.SendAsync(bob, kept, "keep me");

        await alice.DeleteAsync($"/v1/conversations/{doomed}").Expect(204);

        Assert.Equal(Ids(kept), await ListAsync(bob));
        Assert.Single((await bob.GetAsync($"/v1/conversations/{kept}/messages").ExpectJson(200)).Items());
    }

    [Fact]
    public async Task A_public_channel_reader_who_never_joined_cannot_delete_or_archive_it()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, eve) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("eve"));
        var id = (await alice.PostJsonAsync("/v1/conversations", new { type = "channel", participantIds = Array.Empty<string>(), publicUsername = "town_square" })
            .ExpectJson(201)).Str("id");
        var position = await server.LastPositionAsync(tenant.Id);

        await eve.DeleteAsync($"/v1/conversations/{id}").ExpectProblem(403, "NOT_A_MEMBER");

        await alice.GetAsync($"/v1/conversations/{id}").Expect(200);
        Assert.Equal(position, await server.LastPositionAsync(tenant.Id));
    }

    private static async Task<string[]> ListAsync(HttpClient client, string query = "") =>
        (await client.GetAsync("/v1/conversations?limit=200&" + query).ExpectJson(200)).Items().Select(c => c.Str("id")).ToArray();

    private static string[] Ids(params string[] ids) => ids;
}
