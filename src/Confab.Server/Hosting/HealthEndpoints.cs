using Confab.Server.Storage;

namespace Confab.Server.Hosting;

public static class HealthEndpoints
{
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => TypedResults.Ok(new { status = "ok" }))
            .WithTags("Operations").WithSummary("200 while the process runs");

        app.MapGet("/readyz", async (Database database) =>
            {
                try
                {
                    await MigrationRunner.AppliedCountAsync(database);
                    return Results.Ok(new { status = "ready" });
                }
                catch (System.Data.Common.DbException)
                {
                    return Results.Problem(statusCode: 503, title: "Service Unavailable", detail: "The database is not reachable.",
                        extensions: new Dictionary<string, object?> { ["code"] = "NOT_READY", ["message"] = "The database is not reachable." });
                }
            })
            .WithTags("Operations").WithSummary("200 once the database is reachable and migrated");
    }
}
