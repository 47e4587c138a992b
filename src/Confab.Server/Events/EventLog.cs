using System.Text.Json;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Storage;
using Confab.Server.Tenants;

namespace Confab.Server.Events;

/// <summary>
/// Appends events to the tenant's durable log inside the caller's write transaction, with positions
/// handed out in commit order (see <see cref="EventStore.AppendAsync"/>). An event is appended as one of the write's
/// last statements (<see cref="WriteSession.AtClose"/>), since taking its position locks the tenant's log until
/// commit; a write that needs the position itself appends at once, after the events it queued before.
/// </summary>
public sealed class EventLog(EventStore store, TimeProvider clock)
{
    /// <summary>An event for every member of <paramref name="conversationId"/>, appended when the write closes.</summary>
    public void ToConversation(WriteSession db, string tenantId, string conversationId, string type, object payload) =>
        AppendAtClose(db, tenantId, type, payload, conversationId, null);

    /// <summary>An event for every device of one user, appended when the write closes.</summary>
    public void ToUser(WriteSession db, string tenantId, string userId, string type, object payload) =>
        AppendAtClose(db, tenantId, type, payload, null, userId);

    /// <summary>An event for every member of <paramref name="conversationId"/> at this position, appended now.</summary>
    public async Task<long> ToConversationAsync(WriteSession db, string tenantId, string conversationId, string type, object payload)
    {
        await db.RunClosingStepsAsync();
        return await AppendAsync(db, db, tenantId, type, Serialize(payload), conversationId, null, Time.Now(clock));
    }

    private void AppendAtClose(WriteSession db, string tenantId, string type, object payload, string? conversationId, string? userId)
    {
        var json = Serialize(payload);
        var now = Time.Now(clock);
        db.AtClose(session => AppendAsync(db, session, tenantId, type, json, conversationId, userId, now));
    }

    /// <summary>Appends through <paramref name="session"/>: the write's own, or the batch that closes it.</summary>
    private async Task<long> AppendAsync(WriteSession db, DbSession session, string tenantId, string type, string payload, string? conversationId,
        string? userId, long now)
    {
        var position = await store.AppendAsync(session, tenantId, type, conversationId, userId, payload, now) ?? throw TenantService.NotFound();
        db.RecordAppended(tenantId, position);
        return position;
    }

    private static string Serialize(object payload) => JsonSerializer.Serialize(payload, payload.GetType(), JsonDefaults.Options);
}
