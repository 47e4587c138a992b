using System.Text.Json;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Storage;

namespace Confab.Server.Events;

/// <summary>
/// Appends events to the tenant's durable log inside the caller's write transaction. The position
/// comes from the tenant row, whose update holds the row until commit, so positions are handed out
/// in commit order.
/// </summary>
public sealed class EventLog(TimeProvider clock)
{
    /// <summary>An event for every member of <paramref name="conversationId"/> at this position.</summary>
    public Task<long> ToConversationAsync(WriteSession db, string tenantId, string conversationId, string type, object payload) =>
        AppendAsync(db, tenantId, type, payload, conversationId, null);

    /// <summary>An event for every device of one user.</summary>
    public Task<long> ToUserAsync(WriteSession db, string tenantId, string userId, string type, object payload) =>
        AppendAsync(db, tenantId, type, payload, null, userId);

    private async Task<long> AppendAsync(WriteSession db, string tenantId, string type, object payload, string? conversationId, string? userId)
    {
        var position = await db.ScalarAsync<long>(
            "UPDATE tenants SET event_position = event_position + 1 WHERE id = @tenantId RETURNING event_position", new { tenantId });
        await db.ExecuteAsync(
            """
            INSERT INTO events (tenant_id, position, type, conversation_id, user_id, payload, created_at)
            VALUES (@tenantId, @position, @type, @conversationId, @userId, @payload, @now)
            """,
            new { tenantId, position, type, conversationId, userId, payload = JsonSerializer.Serialize(payload, payload.GetType(), JsonDefaults.Options), now = Time.Now(clock) });
        db.RecordAppended(tenantId, position);
        return position;
    }
}
