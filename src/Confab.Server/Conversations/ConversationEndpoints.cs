using Confab.Contracts;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Identity;

namespace Confab.Server.Conversations;

public static class ConversationEndpoints
{
    public static void MapConversationEndpoints(this RouteGroupBuilder client)
    {
        client.MapGet("/conversations", (
                string? type, bool? pinned, bool? muted, bool? archived, bool? hasUnread, string? q, string? role,
                string? cursor, int? limit, UserCaller caller, ConversationService conversations) =>
                conversations.ListAsync(caller, new ConversationFilter(type, pinned, muted, archived ?? false, hasUnread, Check.Length(q, "q", 200), role, 0),
                    cursor, Paging.Limit(limit)))
            .WithSummary("The caller's conversations, most recent activity first").Fails();

        client.MapPost("/conversations", async (CreateConversationRequest body, UserCaller caller, ConversationService conversations) =>
            {
                var (conversation, created) = await conversations.CreateAsync(caller, body);
                return created ? Results.Created($"/v1/conversations/{conversation.Id}", conversation) : Results.Ok(conversation);
            })
            .WithSummary("Create a conversation (201); a direct one that exists is returned (200)")
            .Produces<Conversation>(200).Produces<Conversation>(201).Fails(409);

        client.MapGet("/conversations/{conversationId}", (string conversationId, UserCaller caller, ConversationService conversations) =>
                conversations.GetAsync(caller, conversationId))
            .WithSummary("A conversation with its members").Fails(404);

        client.MapPatch("/conversations/{conversationId}", (string conversationId, UpdateConversationRequest body, UserCaller caller, ConversationService conversations) =>
                conversations.UpdateAsync(caller, conversationId, body))
            .WithSummary("Change shared fields (managers) or one's own muted/pinned/archived").Fails(403, 404);

        client.MapDelete("/conversations/{conversationId}", async (string conversationId, UserCaller caller, ConversationService conversations) =>
            {
                await conversations.DeleteAsync(caller, conversationId);
                return TypedResults.NoContent();
            })
            .WithSummary("The owner deletes a group or channel for everyone; anyone else archives it for themselves").Fails(403, 404);

        client.MapPatch("/conversations/{conversationId}/avatar", (string conversationId, UpdateAvatarRequest body, UserCaller caller,
                ConversationService conversations, PublicUrls urls, HttpRequest request) =>
                conversations.UpdateAvatarAsync(caller, conversationId, body, urls.BaseOf(request)))
            .WithSummary("Set the conversation's avatar: an uploaded image (attachment) or an avatarUrl").Fails(403, 404, 415);

        client.MapGet("/conversations/{conversationId}/members", (string conversationId, string? cursor, int? limit, UserCaller caller, MemberService members) =>
                members.ListAsync(caller, conversationId, cursor, Paging.Limit(limit)))
            .WithSummary("Members in the order they joined").Fails(404);

        client.MapPost("/conversations/{conversationId}/members", async (string conversationId, AddMembersRequest body, UserCaller caller, MemberService members) =>
            {
                var added = await members.AddAsync(caller, conversationId, body);
                return added.Count > 0 ? Results.Created($"/v1/conversations/{conversationId}/members", added) : Results.Ok(added);
            })
            .WithSummary("Add members (or join a public channel with one's own ID); returns those added")
            .Produces<IReadOnlyList<Member>>(201).Fails(403, 404);

        client.MapPatch("/conversations/{conversationId}/members/{userId}", (string conversationId, string userId, UpdateMemberRequest body, UserCaller caller, MemberService members) =>
                members.UpdateAsync(caller, conversationId, userId, body))
            .WithSummary("Change a member's role, permissions, mutedUntil, bannedUntil or title").Fails(403, 404);

        client.MapDelete("/conversations/{conversationId}/members/{userId}", async (string conversationId, string userId, UserCaller caller, MemberService members) =>
            {
                await members.RemoveAsync(caller, conversationId, userId);
                return TypedResults.NoContent();
            })
            .WithSummary("Remove a member; with one's own ID, leave").Fails(403, 404);
    }
}
