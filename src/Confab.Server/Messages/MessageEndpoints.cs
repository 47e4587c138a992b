using Confab.Contracts;
using Confab.Server.Http;
using Confab.Server.Identity;

namespace Confab.Server.Messages;

public static class MessageEndpoints
{
    public static void MapMessageEndpoints(this RouteGroupBuilder client, RouteGroupBuilder server)
    {
        client.MapGet("/conversations/{conversationId}/messages", (
                string conversationId, string? cursor, string? beforeId, string? afterId, string? aroundId, int? limit,
                UserCaller caller, MessageService messages) =>
                messages.ListAsync(caller, conversationId, new MessageQuery(cursor, beforeId, afterId, aroundId, Paging.Limit(limit))))
            .WithSummary("History, newest first; afterId pages oldest first; aroundId centres on a message").Fails(404);

        client.MapPost("/conversations/{conversationId}/messages", async (string conversationId, SendMessageRequest body, UserCaller caller, MessageService messages) =>
            {
                var (message, created) = await messages.SendAsync(new Poster(caller.TenantId, caller.UserId, false), conversationId, body with { SenderId = null });
                return created ? Results.Created($"/v1/conversations/{conversationId}/messages/{message.Id}", message) : Results.Ok(message);
            })
            .WithSummary("Send a message (201); a repeated clientMessageId returns the original (200)")
            .Produces<Message>(200).Produces<Message>(201).Fails(403, 404);

        client.MapPatch("/conversations/{conversationId}/messages/{messageId}", (string conversationId, string messageId, EditMessageRequest body, UserCaller caller, MessageService messages) =>
                messages.EditAsync(caller, conversationId, messageId, body))
            .WithSummary("Edit one's own message within the edit window").Fails(403, 404, 409);

        client.MapDelete("/conversations/{conversationId}/messages/{messageId}", async (string conversationId, string messageId, string? scope, UserCaller caller, MessageService messages) =>
            {
                if (scope is null) await messages.DeleteAsync(caller, conversationId, messageId);
                else if (scope == "me") await messages.HideAsync(caller, conversationId, messageId);
                else throw ApiException.Invalid("scope must be 'me' or absent.");
                return TypedResults.NoContent();
            })
            .WithSummary("Delete for everyone (own message within the window, or manage_messages); ?scope=me hides it for the caller").Fails(403, 404);

        client.MapPost("/conversations/{conversationId}/messages/{messageId}/forward", async (string conversationId, string messageId, ForwardMessageRequest body, UserCaller caller, MessageService messages) =>
            {
                var message = await messages.ForwardAsync(caller, conversationId, messageId, body);
                return TypedResults.Created($"/v1/conversations/{message.ConversationId}/messages/{message.Id}", message);
            })
            .WithSummary("Forward a message to another conversation").Fails(403, 404, 409);

        server.MapPost("/conversations/{conversationId}/messages", async (string conversationId, SendMessageRequest body, TenantCaller caller, MessageService messages) =>
            {
                var senderId = string.IsNullOrEmpty(body.SenderId) ? null : Check.UserId(body.SenderId, "senderId");
                var (message, created) = await messages.SendAsync(new Poster(caller.TenantId, senderId, true), conversationId, body);
                return created ? Results.Created($"/v1/conversations/{conversationId}/messages/{message.Id}", message) : Results.Ok(message);
            })
            .WithSummary("Post as the system (kind system) or as senderId, without membership checks")
            .Produces<Message>(200).Produces<Message>(201).Fails(404);
    }
}
