using Confab.Server.Http;
using Confab.Server.Identity;

namespace Confab.Server.Moderation;

public static class ReportEndpoints
{
    public static void MapReportEndpoints(this RouteGroupBuilder client, RouteGroupBuilder server)
    {
        client.MapPost("/conversations/{conversationId}/messages/{messageId}/report", async (string conversationId, string messageId,
                ReportRequest body, UserCaller caller, ReportService reports) =>
            {
                var (report, created) = await reports.ReportAsync(caller, conversationId, messageId, body);
                return created ? Results.Created($"/server/v1/reports/{report.Id}", report) : Results.Ok(report);
            })
            .WithSummary("Report a message for moderation (201); one's open report on it is returned again (200)")
            .Produces<Report>(200).Produces<Report>(201).Fails(403, 404);

        server.MapGet("/reports", (string? status, string? cursor, int? limit, TenantCaller caller, ReportService reports) =>
                reports.ListAsync(caller.TenantId, status, cursor, Paging.Limit(limit)))
            .WithSummary("Reports, oldest first; status open (default) or resolved").Fails();

        server.MapPatch("/reports/{reportId}", (string reportId, ResolveReportRequest body, TenantCaller caller, ReportService reports) =>
                reports.ResolveAsync(caller.TenantId, reportId, body))
            .WithSummary("Resolve a report, optionally taking the message down (deleteMessage)").Fails(404, 409);

        server.MapPut("/users/{userId}/ban", (string userId, BanRequest body, TenantCaller caller, ReportService reports) =>
                reports.BanAsync(caller.TenantId, userId, body))
            .WithSummary("Ban a user tenant-wide until a time (default: for good); its sessions and sockets stop working").Fails(404);

        server.MapDelete("/users/{userId}/ban", async (string userId, TenantCaller caller, ReportService reports) =>
            {
                await reports.LiftBanAsync(caller.TenantId, userId);
                return TypedResults.NoContent();
            })
            .WithSummary("Lift a user's ban").Fails(404);
    }
}
