using Confab.Server.Http;

namespace Confab.Server.Identity;

public static class SessionEndpoints
{
    public static void MapSessionEndpoints(this RouteGroupBuilder server)
    {
        server.MapPost("/sessions", async (SessionRequest body, TenantCaller caller, SessionService sessions) =>
                TypedResults.Created("/v1/me", await sessions.IssueAsync(caller.TenantId, body)))
            .WithSummary("Issue a session token for a user (default 24 h, at most 30 days)").Fails(404);

        server.MapDelete("/users/{userId}/sessions", async (string userId, TenantCaller caller, SessionService sessions) =>
            {
                await sessions.RevokeAllAsync(caller.TenantId, userId);
                return TypedResults.NoContent();
            })
            .WithSummary("Revoke every session of a user").Fails(404);
    }
}
