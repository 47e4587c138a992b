
namespace Confab.Tests.Infrastructure;

public sealed record LoggedEvent(long Position, string Type, string? ConversationId, string? UserId, string Payload);

/// <summary>Reads a tenant's event log straight from the store: until the socket exists, the tests are its only reader.</summary>
public static class EventLogReader
{
    public static async Task<IReadOnlyList<LoggedEvent>> ReadAsync(this ConfabServer server, string tenantId, long afterPosition = 0)
    {
        var database = server.Database;
        var rows = await database.ReadAsync(db => db.QueryAsync<EventRow>(
            "SELECT position, type, conversation_id, user_id, payload FROM events WHERE tenant_id = @tenantId AND position > @afterPosition ORDER BY position",
            new { tenantId, afterPosition }));
        return rows.Select(r => new LoggedEvent(r.Position, r.Type, r.ConversationId, r.UserId, r.Payload)).ToList();
    }

    public static async Task<long> LastPositionAsync(this ConfabServer server, string tenantId) =>
        (await server.ReadAsync(tenantId)).Select(e => e.Position).DefaultIfEmpty(0).Max();

    private sealed class EventRow
    {
        public long Position { get; init; }
        public string Type { get; init; } = "";
        public string? ConversationId { get; init; }
        public string? UserId { get; init; }
        public string Payload { get; init; } = "";
    }
}
