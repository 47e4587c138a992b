using Microsoft.Data.Sqlite;

namespace Confab.Server.Storage;

/// <summary>
/// A SQLite connection that keeps every statement it ran compiled, for as long as it stays open. Microsoft.Data.Sqlite
/// compiles a statement anew for each command; a statement of the send path spends more time being parsed and planned
/// than being run. The engine keeps these connections open and hands them out again (<see cref="SqliteConnectionPool"/>).
/// </summary>
internal sealed class CachingSqliteConnection(string connectionString, SqliteConnectionPool pool) : SqliteConnection(connectionString)
{
    /// <summary>More distinct texts than the code has statements means texts are built from data; start over rather than grow.</summary>
    private const int Capacity = 512;

    private readonly Dictionary<string, PreparedStatement?> statements = new(StringComparer.Ordinal);

    /// <summary>The text compiled, or null if it holds several statements (see <see cref="PreparedStatement.Compile"/>).</summary>
    public PreparedStatement? Statement(string sql)
    {
        if (statements.TryGetValue(sql, out var known)) return known;
        if (statements.Count >= Capacity) ForgetStatements();
        var statement = PreparedStatement.Compile(this, sql);
        statements[sql] = statement;
        return statement;
    }

    /// <summary>Hands the connection back to the pool it came from, once its transaction has ended.</summary>
    public void ReturnToPool() => pool.Return(this);

    protected override void Dispose(bool disposing)
    {
        if (disposing) ForgetStatements();
        base.Dispose(disposing);
    }

    private void ForgetStatements()
    {
        foreach (var statement in statements.Values) statement?.Dispose();
        statements.Clear();
    }
}
