using System.Text.RegularExpressions;

namespace Confab.Server.Storage;

/// <summary>
/// Applies the engine's numbered SQL migrations (embedded as <c>migrations/{Engine}/NNNN_name.sql</c>)
/// that the <c>schema_migrations</c> table does not list yet, each in its own transaction.
/// </summary>
public static partial class MigrationRunner
{
    [GeneratedRegex(@"^migrations/(?<engine>[^/]+)/(?<version>\d{4})_[A-Za-z0-9_]+\.sql$")]
    private static partial Regex ResourceName();

    public static async Task<int> ApplyAsync(Database database)
    {
        var migrations = Discover(database.Engine.Name);
        await database.WriteAsync(db => db.ExecuteAsync(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"));
        var applied = (await database.ReadAsync(db => db.QueryAsync<long>("SELECT version FROM schema_migrations"))).ToHashSet();

        var count = 0;
        foreach (var (version, name, sql) in migrations.Where(m => !applied.Contains(m.Version)))
        {
            var ran = await database.WriteAsync(async db =>
            {
                // Nodes starting together take turns here; the later one finds the migration applied.
                if (db.Dialect.SerializeMigrations is { } serialize) await db.ExecuteAsync(serialize);
                if (await db.ScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations WHERE version = @version", new { version }) > 0) return false;
                await db.ExecuteAsync(sql);
                await db.ExecuteAsync("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@version, @name, @at)",
                    new { version, name, at = DateTimeOffset.UtcNow.ToString("O") });
                return true;
            });
            if (ran) count++;
        }
        return count;
    }

    /// <summary>How many migrations the database has applied; throws when it is unreachable.</summary>
    public static Task<long> AppliedCountAsync(Database database) =>
        database.ReadAsync(db => db.ScalarAsync<long>("SELECT COUNT(*) FROM schema_migrations"));

    private static List<(long Version, string Name, string Sql)> Discover(string engine)
    {
        var assembly = typeof(MigrationRunner).Assembly;
        var found = new List<(long, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = ResourceName().Match(resource);
            if (!match.Success || match.Groups["engine"].Value != engine) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            found.Add((long.Parse(match.Groups["version"].Value, System.Globalization.CultureInfo.InvariantCulture), resource, reader.ReadToEnd()));
        }
        if (found.Count == 0) throw new InvalidOperationException($"No migrations are embedded for the {engine} engine.");
        return found.OrderBy(m => m.Item1).ToList();
    }
}
