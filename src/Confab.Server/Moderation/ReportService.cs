using Confab.Contracts;
using Confab.Server.Conversations;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Identity;
using Confab.Server.Messages;
using Confab.Server.Storage;
using Confab.Server.Users;

namespace Confab.Server.Moderation;

public sealed record Report(
    string Id, string ConversationId, string MessageId, string ReporterId, string Reason, string Status, string? Resolution,
    DateTimeOffset CreatedAt, DateTimeOffset? ResolvedAt);

public sealed record ReportRequest(string? Reason);

public sealed record ResolveReportRequest(string? Resolution, bool? DeleteMessage);

public sealed record BanRequest(DateTimeOffset? Until);

public sealed record UserBan(string UserId, DateTimeOffset BannedUntil);

/// <summary>
/// Moderation: members report messages; the tenant backend lists and resolves reports (optionally taking the
/// message down) and bans users tenant-wide, which stops their sessions and sockets until the ban ends.
/// </summary>
public sealed class ReportService(
    Database database, ReportStore reports, ConversationGuard guard, MessageService messages, UserStore users,
    SessionRevocations revocations, TimeProvider clock)
{
    public const int MaxReasonLength = 1000;

    /// <summary>A permanent ban is a ban until the end of this calendar.</summary>
    public static readonly DateTimeOffset Forever = new(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Files a report; the reporter's open report on the same message is returned instead of a second one.</summary>
    public async Task<(Report Report, bool Created)> ReportAsync(UserCaller caller, string conversationId, string messageId, ReportRequest request)
    {
        var reason = Check.Required(request.Reason, "reason", MaxReasonLength).Trim();
        return await database.WriteAsync(async db =>
        {
            (await guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId)).RequireMember();
            _ = await messages.FindVisibleAsync(db, caller, conversationId, messageId);
            if (await reports.FindOpenAsync(db, caller.TenantId, messageId, caller.UserId) is { } open) return (Shape(open), false);
            var row = new ReportRow
            {
                TenantId = caller.TenantId, Id = Ids.New(clock), ConversationId = conversationId, MessageId = messageId,
                ReporterId = caller.UserId, Reason = reason, CreatedAt = Time.Now(clock),
            };
            await reports.InsertAsync(db, row);
            return (Shape(row), true);
        });
    }

    public async Task<Page<Report>> ListAsync(string tenantId, string? status, string? cursor, int limit)
    {
        var wanted = status is null ? ReportStatus.Open : Check.OneOf(status, "status", ReportStatus.All);
        var list = "reports:" + wanted;
        var afterId = cursor is null ? null : Cursor.Decode(list, cursor, 1)[0];
        var rows = await database.ReadAsync(db => reports.ListAsync(db, tenantId, wanted, afterId, limit + 1));
        return Paging.From(rows, limit, Shape, r => Cursor.Encode(list, r.Id));
    }

    public async Task<Report> ResolveAsync(string tenantId, string reportId, ResolveReportRequest request)
    {
        var resolution = Check.OptionalText(request.Resolution, "resolution", MaxReasonLength);
        return await database.WriteAsync(async db =>
        {
            var row = await reports.FindAsync(db, tenantId, reportId) ?? throw ApiException.NotFound(ErrorCodes.ReportNotFound, "No such report.");
            if (row.Status == ReportStatus.Resolved) throw ApiException.Conflict(ErrorCodes.ReportResolved, "This report is already resolved.");
            if (request.DeleteMessage == true) await messages.TakeDownAsync(db, tenantId, row.ConversationId, row.MessageId);
            row.Status = ReportStatus.Resolved;
            row.Resolution = resolution;
            row.ResolvedAt = Time.Now(clock);
            await reports.ResolveAsync(db, row);
            return Shape(row);
        });
    }

    public async Task<UserBan> BanAsync(string tenantId, string userId, BanRequest request)
    {
        var until = request.Until ?? Forever;
        if (until <= clock.GetUtcNow()) throw ApiException.Invalid("until must be in the future.");
        await database.WriteAsync(async db =>
        {
            _ = await users.FindAsync(db, tenantId, userId) ?? throw UserService.NotFound();
            await users.SetBanAsync(db, tenantId, userId, Time.ToMillis(until));
        });
        revocations.Publish(tenantId, userId);
        return new UserBan(userId, until);
    }

    public Task LiftBanAsync(string tenantId, string userId) => database.WriteAsync(async db =>
    {
        _ = await users.FindAsync(db, tenantId, userId) ?? throw UserService.NotFound();
        await users.SetBanAsync(db, tenantId, userId, null);
    });

    private static Report Shape(ReportRow row) => new(row.Id, row.ConversationId, row.MessageId, row.ReporterId, row.Reason, row.Status,
        row.Resolution, Time.FromMillis(row.CreatedAt), Time.FromMillis(row.ResolvedAt));
}
