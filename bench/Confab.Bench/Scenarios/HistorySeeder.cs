using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Confab.Bench.Scenarios;

/// <summary>
/// Grows the store straight in the database, with the server stopped: seeding a million messages or a thousand
/// conversations through the API would take longer than the whole bench. Every new row is a copy of a real row
/// the API wrote (all its columns, as the migrations made them), with the keys that must differ replaced:
/// <list type="bullet">
/// <item>messages of one conversation: copies of its one message with seq 2..N, then the conversation's last seq moved to N;</item>
/// <item>conversations: copies of one conversation with its members, membership periods and message, each under a new ID.</item>
/// </list>
/// Events are not written: history and the conversation list read the tables, not the log.
/// </summary>
public sealed class HistorySeeder : IAsyncDisposable
{
    private readonly DbConnection connection;
    private readonly bool postgres;

    private HistorySeeder(DbConnection connection, bool postgres)
    {
        this.connection = connection;
        this.postgres = postgres;
    }

    public static async Task<HistorySeeder> OpenAsync(string? postgresConnectionString, string sqliteFile)
    {
        DbConnection connection = postgresConnectionString is null
            ? new SqliteConnection($"Data Source={sqliteFile}")
            : new NpgsqlConnection(postgresConnectionString);
        await connection.OpenAsync();
        return new HistorySeeder(connection, postgresConnectionString is not null);
    }

    /// <summary>The ID the seeder gives the message with this seq (seq 1 is the template itself).</summary>
    public static string MessageIdFor(string templateId, long seq) =>
        seq == 1 ? templateId : templateId[..10] + seq.ToString("D16", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Grows the conversation of <paramref name="templateMessageId"/> (its only message) to <paramref name="messages"/> messages.</summary>
    public async Task GrowConversationAsync(string templateMessageId, long messages)
    {
        await using var transaction = await connection.BeginTransactionAsync();
        await CopyRowsAsync(transaction, "messages", "id = @template", templateMessageId, messages, new()
        {
            ["id"] = $"substr(t.id, 1, 10) || {Padded(16)}",
            ["seq"] = "n.g",
            ["text"] = "'history message ' || n.g",
            ["created_at"] = "t.created_at + n.g",
        });
        await ExecuteAsync(transaction, """
            UPDATE conversations SET last_seq = @count
            WHERE (tenant_id, id) IN (SELECT tenant_id, conversation_id FROM messages WHERE id = @template)
            """, templateMessageId, messages);
        await transaction.CommitAsync();
    }

    /// <summary>Copies the conversation (with its members, membership periods and messages) until there are <paramref name="conversations"/>.</summary>
    public async Task CopyConversationAsync(string conversationId, long conversations)
    {
        var newConversationId = $"substr(t.conversation_id, 1, 10) || 'C' || {Padded(15)}";
        await using var transaction = await connection.BeginTransactionAsync();
        await CopyRowsAsync(transaction, "conversations", "id = @template", conversationId, conversations, new()
        {
            ["id"] = $"substr(t.id, 1, 10) || 'C' || {Padded(15)}",
            ["activity_at"] = "t.activity_at - n.g",
        });
        foreach (var table in new[] { "members", "membership_periods" })
            await CopyRowsAsync(transaction, table, "conversation_id = @template", conversationId, conversations, new() { ["conversation_id"] = newConversationId });
        await CopyRowsAsync(transaction, "messages", "conversation_id = @template", conversationId, conversations, new()
        {
            ["id"] = $"substr(t.id, 1, 10) || 'C' || {Padded(15)}",
            ["conversation_id"] = newConversationId,
            ["client_message_id"] = "NULL",
        });
        await transaction.CommitAsync();
    }

    /// <summary>
    /// On PostgreSQL, gathers the planner's statistics as autovacuum would soon after a load this size, so the
    /// queries are planned for the tables as they now are. SQLite plans without statistics, as the server runs it.
    /// </summary>
    public async Task AnalyzeAsync()
    {
        if (!postgres) return;
        await using var command = connection.CreateCommand();
        command.CommandText = "ANALYZE";
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>For n = 2..count, one copy of every row of <paramref name="table"/> matching <paramref name="where"/>, with these column values.</summary>
    private async Task CopyRowsAsync(DbTransaction transaction, string table, string where, string template, long count, Dictionary<string, string> replaced)
    {
        var columns = await ColumnsAsync(transaction, table);
        var values = columns.Select(c => replaced.TryGetValue(c, out var value) ? value : $"t.{c}");
        var numbers = postgres
            ? "SELECT g FROM generate_series(2, @count) AS g"
            : "WITH RECURSIVE n(g) AS (SELECT 2 UNION ALL SELECT g + 1 FROM n WHERE g < @count) SELECT g FROM n";
        await ExecuteAsync(transaction, $"""
            INSERT INTO {table} ({string.Join(", ", columns)})
            SELECT {string.Join(", ", values)} FROM {table} t, ({numbers}) n WHERE t.{where}
            """, template, count);
    }

    private string Padded(int width) => postgres ? $"lpad(n.g::text, {width}, '0')" : $"printf('%0{width}d', n.g)";

    private async Task<List<string>> ColumnsAsync(DbTransaction transaction, string table)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = postgres
            ? $"SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}' ORDER BY ordinal_position"
            : $"SELECT name FROM pragma_table_info('{table}')";
        var columns = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) columns.Add(reader.GetString(0));
        return columns;
    }

    private async Task ExecuteAsync(DbTransaction transaction, string sql, string template, long count)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 600;
        foreach (var (name, value) in new (string, object)[] { ("@template", template), ("@count", count) })
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
        await command.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync() => connection.DisposeAsync();
}
