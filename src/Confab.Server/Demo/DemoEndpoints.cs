using Confab.Contracts;
using Confab.Server.Http;
using Confab.Server.Identity;

namespace Confab.Server.Demo;

public sealed record DemoSessionRequest(string? UserId);

/// <summary>
/// Only mapped with <c>Confab:Demo</c> on: the demo page lists the demo users and signs in as one of
/// them, standing in for the tenant backend a real app would have.
/// </summary>
public static class DemoEndpoints
{
    public static void MapDemoEndpoints(this IEndpointRouteBuilder app)
    {
        var demo = app.MapGroup("/demo").WithTags("Demo");

        demo.MapGet("/users", () => DemoSeeder.People.Select(p => new { id = p.Id, name = p.Name }))
            .WithSummary("The demo tenant's users");

        demo.MapPost("/sessions", async (DemoSessionRequest body, SessionService sessions) =>
            {
                if (!DemoSeeder.People.Any(p => p.Id == body.UserId))
                    throw ApiException.NotFound(ErrorCodes.UserNotFound, "Pick one of the demo users.");
                return TypedResults.Created("/v1/me", await sessions.IssueAsync(DemoSeeder.TenantId, new SessionRequest(body.UserId, null)));
            })
            .WithSummary("A session token for a demo user").Produces<IssuedSession>(201).Fails(404);
    }
}
