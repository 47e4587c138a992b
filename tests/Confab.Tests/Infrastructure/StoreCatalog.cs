using System.Data.Common;
using System.Globalization;
using Confab.Server.Storage;

namespace Confab.Tests.Infrastructure;

/// <summary>The store's own tables and columns, read from whichever engine's catalogue, for tests that look at every table.</summary>
public static class StoreCatalog
{
    private static bool IsPostgres(IStoreEngine engine) => engine.Name == "Postgres";

    public static async Task<List<string>> TablesAsync(IStoreEngine engine, DbConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = IsPostgres(engine)
            ? "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) tables.Add(reader.GetString(0));
        return tables;
    }

    public static async Task<bool> HasColumnAsync(IStoreEngine engine, DbConnection connection, string table, string column)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = IsPostgres(engine)
            ? $"SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '{table}' AND column_name = '{column}'"
            : $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture) > 0;
    }
}
