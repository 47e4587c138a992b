using System.Text.Json;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Storage;
using Confab.Server.Tenants;

namespace Confab.Server.Events;

/// <summary>
/// Appends events to the tenant's durable log inside the caller's write transaction, with positions
/// handed out in commit order (see <see cref="EventStore.AppendAsync"/>).
/// </summary>
public sealed class EventLog(EventStore store, TimeProvider clock)
{
    /// <summary>An event for every member of <paramref name="conversationId"/> at this position.</summary>
    public Task<long> ToConversationAsync(WriteSession db, string tenantId, string conversationId, string type, object payload) =>
        AppendAsync(db, tenantId, type, payload, conversationId, null);

    /// <summary>An event for every device of one user.</summary>
    public Task<long> ToUserAsync(WriteSession db, string tenantId, string userId, string type, object payload) =>
        AppendAsync(db, tenantId, type, payload, null, userId);

    private async Task<long> AppendAsync(WriteSession db, string tenantId, string type, object payload, string? conversationId, string? userId)
    {
        var position = await store.AppendAsync(db, tenantId, type, conversationId, userId,
            JsonSerializer.Serialize(payload, payload.GetType(), JsonDefaults.Options), Time.Now(clock)) ?? throw TenantService.NotFound();
        db.RecordAppended(tenantId, position);
        return position;
    }
}
