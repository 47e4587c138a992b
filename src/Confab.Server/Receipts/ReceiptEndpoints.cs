using Confab.Server.Http;
using Confab.Server.Identity;

namespace Confab.Server.Receipts;

public static class ReceiptEndpoints
{
    public static void MapReceiptEndpoints(this RouteGroupBuilder client)
    {
        client.MapPost("/conversations/{conversationId}/delivered",
                (string conversationId, ReceiptRequest? body, UserCaller caller, ReceiptService receipts) =>
                    receipts.MarkAsync(caller, conversationId, ReceiptStatus.Delivered, body))
            .WithSummary("Mark messages delivered: messageIds, upToMessageId, or everything so far").Fails(403, 404);

        client.MapPost("/conversations/{conversationId}/read",
                (string conversationId, ReceiptRequest? body, UserCaller caller, ReceiptService receipts) =>
                    receipts.MarkAsync(caller, conversationId, ReceiptStatus.Read, body))
            .WithSummary("Mark messages read: messageIds, upToMessageId, or everything so far").Fails(403, 404);

        client.MapGet("/conversations/{conversationId}/read-state", (string conversationId, UserCaller caller, ReceiptService receipts) =>
                receipts.GetReadStateAsync(caller, conversationId))
            .WithSummary("Each member's read and delivered position").Fails(404);

        client.MapGet("/unread", (UserCaller caller, ReceiptService receipts) => receipts.GetUnreadAsync(caller))
            .WithSummary("Unread counts of the caller's conversations").Fails();
    }
}
