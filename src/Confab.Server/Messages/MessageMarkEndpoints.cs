using Confab.Contracts;
using Confab.Server.Http;
using Confab.Server.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Confab.Server.Messages;

public sealed record ReactionRequest(string? Emoji);

/// <summary>Reactions, pins and stars: the marks members put on messages.</summary>
public static class MessageMarkEndpoints
{
    public static void MapMessageMarkEndpoints(this RouteGroupBuilder client)
    {
        const string message = "/conversations/{conversationId}/messages/{messageId}";

        client.MapPost(message + "/reactions", (string conversationId, string messageId, ReactionRequest body, UserCaller caller, ReactionService reactions) =>
                reactions.AddAsync(caller, conversationId, messageId, body.Emoji))
            .WithSummary("React to a message; returns the Message").Fails(403, 404, 409);

        client.MapDelete(message + "/reactions", (string conversationId, string messageId, [FromBody] ReactionRequest body, UserCaller caller, ReactionService reactions) =>
                reactions.RemoveAsync(caller, conversationId, messageId, body.Emoji))
            .WithSummary("Remove one's reaction named in the body { emoji }; returns the Message").Fails(403, 404, 409);

        client.MapDelete(message + "/reactions/{emoji}", (string conversationId, string messageId, string emoji, UserCaller caller, ReactionService reactions) =>
                reactions.RemoveAsync(caller, conversationId, messageId, emoji))
            .WithSummary("Remove one's reaction; returns the Message").Fails(403, 404, 409);

        client.MapPost(message + "/pin", (string conversationId, string messageId, UserCaller caller, PinService pins) =>
                pins.PinAsync(caller, conversationId, messageId))
            .WithSummary("Pin a message (pin_messages)").Fails(403, 404, 409);

        client.MapDelete(message + "/pin", (string conversationId, string messageId, UserCaller caller, PinService pins) =>
                pins.UnpinAsync(caller, conversationId, messageId))
            .WithSummary("Unpin a message (pin_messages)").Fails(403, 404, 409);

        client.MapGet("/conversations/{conversationId}/pins", (string conversationId, string? cursor, int? limit, UserCaller caller, PinService pins) =>
                pins.ListAsync(caller, conversationId, cursor, Paging.Limit(limit)))
            .WithSummary("Pinned messages, most recently pinned first").Produces<Page<Message>>(200).Fails(404);

        client.MapPost(message + "/star", async (string conversationId, string messageId, UserCaller caller, StarService stars) =>
            {
                await stars.StarAsync(caller, conversationId, messageId);
                return TypedResults.NoContent();
            })
            .WithSummary("Star a message for oneself").Fails(403, 404, 409);

        client.MapDelete(message + "/star", async (string conversationId, string messageId, UserCaller caller, StarService stars) =>
            {
                await stars.UnstarAsync(caller, conversationId, messageId);
                return TypedResults.NoContent();
            })
            .WithSummary("Unstar a message").Fails(404);

        client.MapGet("/starred", (string? cursor, int? limit, UserCaller caller, StarService stars) =>
                stars.ListAsync(caller, cursor, Paging.Limit(limit)))
            .WithSummary("The caller's starred messages, most recently starred first").Produces<Page<Message>>(200).Fails();
    }
}
