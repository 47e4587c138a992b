using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Confab.Bench.Scenarios;

/// <summary>
/// Grows a conversation to N messages straight in the store, with the server stopped: seeding a million
/// messages through the API would take longer than the whole bench. Each new message copies the one real
/// message the API wrote (tenant, conversation, sender, kind) with its own seq 2..N, text, time and an ID of
/// the template's timestamp part and the zero-padded seq; then the conversation's last seq is moved to N.
/// Events are not written: history reads messages, not the log.
/// </summary>
public static class HistorySeeder
{
    /// <summary>The ID the seeder gives the message with this seq (seq 1 is the template itself).</summary>
    public static string IdFor(string templateId, long seq) =>
        seq == 1 ? templateId : templateId[..10] + seq.ToString("D16", System.Globalization.CultureInfo.InvariantCulture);

    public static async Task SeedAsync(string? postgresConnectionString, string sqliteFile, string templateId, long messages)
    {
        await using DbConnection connection = postgresConnectionString is null
            ? new SqliteConnection($"Data Source={sqliteFile}")
            : new NpgsqlConnection(postgresConnectionString);
        await connection.OpenAsync();
        var postgres = postgresConnectionString is not null;
        var numbers = postgres
            ? "SELECT g FROM generate_series(2, @messages) AS g"
            : "WITH RECURSIVE n(g) AS (SELECT 2 UNION ALL SELECT g + 1 FROM n WHERE g < @messages) SELECT g FROM n";
        var paddedSeq = postgres ? "lpad(n.g::text, 16, '0')" : "printf('%016d', n.g)";
        await using var transaction = await connection.BeginTransactionAsync();
        await ExecuteAsync(connection, transaction, $"""
            INSERT INTO messages (tenant_id, id, conversation_id, seq, sender_id, kind, text, created_at)
            SELECT t.tenant_id, substr(t.id, 1, 10) || {paddedSeq}, t.conversation_id, n.g, t.sender_id, t.kind,
                   'history message ' || n.g, t.created_at + n.g
            FROM messages t, ({numbers}) n
            WHERE t.id = @template
            """, templateId, messages);
        await ExecuteAsync(connection, transaction, """
            UPDATE conversations SET last_seq = @messages
            WHERE (tenant_id, id) IN (SELECT tenant_id, conversation_id FROM messages WHERE id = @template)
            """, templateId, messages);
        await transaction.CommitAsync();
    }

    private static async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, string sql, string templateId, long messages)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 600;
        AddParameter(command, "@template", templateId);
        AddParameter(command, "@messages", messages);
        await command.ExecuteNonQueryAsync();
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
