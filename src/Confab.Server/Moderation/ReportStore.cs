using Confab.Server.Storage;

namespace Confab.Server.Moderation;

public sealed class ReportRow
{
    public string TenantId { get; init; } = "";
    public string Id { get; init; } = "";
    public string ConversationId { get; init; } = "";
    public string MessageId { get; init; } = "";
    public string ReporterId { get; init; } = "";
    public string Reason { get; init; } = "";
    public string Status { get; set; } = ReportStatus.Open;
    public string? Resolution { get; set; }
    public long CreatedAt { get; init; }
    public long? ResolvedAt { get; set; }
}

public static class ReportStatus
{
    public const string Open = "open";
    public const string Resolved = "resolved";

    public static readonly IReadOnlyDictionary<string, string> All =
        new[] { Open, Resolved }.ToDictionary(s => s, s => s, StringComparer.Ordinal);
}

/// <summary>The SQL of reports and of tenant-wide bans.</summary>
public sealed class ReportStore
{
    private const string Columns = "tenant_id, id, conversation_id, message_id, reporter_id, reason, status, resolution, created_at, resolved_at";

    public Task InsertAsync(DbSession db, ReportRow row) => db.ExecuteAsync(
        $"INSERT INTO reports ({Columns}) VALUES (@TenantId, @Id, @ConversationId, @MessageId, @ReporterId, @Reason, @Status, @Resolution, @CreatedAt, @ResolvedAt)", row);

    public Task<ReportRow?> FindAsync(DbSession db, string tenantId, string id) =>
        db.QuerySingleOrDefaultAsync<ReportRow>($"SELECT {Columns} FROM reports WHERE tenant_id = @tenantId AND id = @id", new { tenantId, id });

    public Task<ReportRow?> FindOpenAsync(DbSession db, string tenantId, string messageId, string reporterId) => db.QuerySingleOrDefaultAsync<ReportRow>(
        $"SELECT {Columns} FROM reports WHERE tenant_id = @tenantId AND message_id = @messageId AND reporter_id = @reporterId AND status = 'open'",
        new { tenantId, messageId, reporterId });

    /// <summary>Reports with this status, oldest first, after an ID (IDs sort by creation).</summary>
    public Task<IReadOnlyList<ReportRow>> ListAsync(DbSession db, string tenantId, string status, string? afterId, int limit) => db.QueryAsync<ReportRow>(
        $"SELECT {Columns} FROM reports WHERE tenant_id = @tenantId AND status = @status AND (@afterId IS NULL OR id > @afterId) ORDER BY id LIMIT @limit",
        new { tenantId, status, afterId, limit });

    public Task ResolveAsync(DbSession db, ReportRow row) => db.ExecuteAsync(
        "UPDATE reports SET status = @Status, resolution = @Resolution, resolved_at = @ResolvedAt WHERE tenant_id = @TenantId AND id = @Id", row);
}
