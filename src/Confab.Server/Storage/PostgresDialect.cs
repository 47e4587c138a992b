using System.Data.Common;
using Npgsql;

namespace Confab.Server.Storage;

/// <summary>
/// PostgreSQL's spelling: arrays with <c>= ANY</c>, and full-text search over the <c>document</c> tsvector of
/// <c>message_text</c> with the <c>search_query</c> function of migration 0001 (words passed as a text array).
/// </summary>
public sealed class PostgresDialect : ISqlDialect
{
    public string AnyOf(string parameter) => $"= ANY({parameter})";

    public string EachOf(string parameter, string tableName) => $"unnest({parameter}) AS {tableName}(value)";

    public string LockedForWrite => "FOR UPDATE";

    public string LockedForShare => "FOR SHARE";

    public string LockedAgainstDeletion => "FOR KEY SHARE";

    public bool WritesInWith => true;

    public bool IsNullRefused(DbException failure, string table, string column) =>
        failure is PostgresException { SqlState: PostgresErrorCodes.NotNullViolation } refused && refused.TableName == table && refused.ColumnName == column;

    // An advisory lock held to commit, under a key of its own.
    public string? SerializeMigrations => "SELECT pg_advisory_xact_lock(4171700001)";

    public string SearchMatch(string parameter) => $"message_text.document @@ search_query({parameter})";

    // ts_rank grows with relevance (here divided by the log of the text's length, as bm25 favours short texts); negated so that lower is better.
    public string SearchRank(string parameter) => $"-ts_rank(message_text.document, search_query({parameter}), 1)::float8";

    public object SearchArgument(IReadOnlyList<string> words) => words.ToArray();
}
