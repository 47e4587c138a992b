using Confab.Contracts;
using Confab.Server.Http;
using Confab.Server.Identity;

namespace Confab.Server.Messages;

public static class SearchEndpoints
{
    public static void MapSearchEndpoints(this RouteGroupBuilder client) =>
        client.MapGet("/search/messages", (string? q, string? conversationId, string? cursor, int? limit, UserCaller caller, SearchService search) =>
                search.SearchAsync(caller, q, conversationId, cursor, Paging.Limit(limit)))
            .WithSummary("Search the text of messages in the caller's conversations, best match first").Produces<Page<Message>>(200).Fails(404);
}
