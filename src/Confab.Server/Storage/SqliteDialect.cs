using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Confab.Server.Storage;

/// <summary>SQLite's spelling: lists as JSON arrays read by <c>json_each</c>, and FTS5 (<c>MATCH</c>, <c>bm25</c>).</summary>
public sealed class SqliteDialect : ISqlDialect
{
    /// <summary>The list arrives as one JSON array (see <see cref="SqlArguments"/>), so the text stays the same whatever its length and is compiled once.</summary>
    public string AnyOf(string parameter) => $"IN (SELECT value FROM json_each({parameter}))";

    public string EachOf(string parameter, string tableName) => $"json_each({parameter}) AS {tableName}";

    // One writer at a time already: a row read in a write transaction cannot change before it commits.
    public string LockedForWrite => "";

    public string LockedForShare => "";

    public string LockedAgainstDeletion => "";

    public bool WritesInWith => false;

    // SQLite names the column only in its message ("NOT NULL constraint failed: table.column").
    public bool IsNullRefused(DbException failure, string table, string column) =>
        failure is SqliteException { SqliteExtendedErrorCode: raw.SQLITE_CONSTRAINT_NOTNULL }
        && failure.Message.Contains($"{table}.{column}", StringComparison.Ordinal);

    public string? SerializeMigrations => null;

    public string SearchMatch(string parameter) => $"message_text MATCH {parameter}";

    public string SearchRank(string parameter) => "bm25(message_text)";

    /// <summary>FTS5 quoted terms (a quote inside doubled), implicitly ANDed, the last one a prefix.</summary>
    public object SearchArgument(IReadOnlyList<string> words) =>
        string.Join(' ', words.Select(w => "\"" + w.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"")) + "*";
}
