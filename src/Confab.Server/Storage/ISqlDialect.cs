using System.Data.Common;

namespace Confab.Server.Storage;

/// <summary>The few pieces of SQL the engines spell differently; every other statement is one text for both.</summary>
public interface ISqlDialect
{
    /// <summary>"Is one of" a list parameter: a JSON array on SQLite, an array on PostgreSQL.</summary>
    string AnyOf(string parameter);

    /// <summary>
    /// A list parameter as a table named <paramref name="tableName"/>, its items in the column <c>value</c>: for a subquery
    /// per item, where PostgreSQL's cached plan for <c>= ANY</c> may scan a small table whole instead.
    /// </summary>
    string EachOf(string parameter, string tableName);

    /// <summary>
    /// Appended to a SELECT of a row that a write transaction will change from what it read (a counter, say):
    /// concurrent writers of that row then wait for this one to commit.
    /// </summary>
    string LockedForWrite { get; }

    /// <summary>
    /// Appended to a SELECT of rows that a write relies on staying as read (a user it adds, say) without changing them:
    /// a concurrent writer that changes one of them waits for this write to commit, or this one for it.
    /// </summary>
    string LockedForShare { get; }

    /// <summary>
    /// Appended to a SELECT of a row that a write needs to go on existing, not to stay unchanged (its tenant): a
    /// concurrent deletion of it waits for this write to commit, or this one for the deletion, while updates of its
    /// other columns (an event position) go on.
    /// </summary>
    string LockedAgainstDeletion { get; }

    /// <summary>Whether a WITH clause may hold an UPDATE whose returned rows the rest of the statement reads (PostgreSQL; not SQLite).</summary>
    bool WritesInWith { get; }

    /// <summary>Whether <paramref name="failure"/> is the NOT NULL column <paramref name="table"/>.<paramref name="column"/> refusing a null.</summary>
    bool IsNullRefused(DbException failure, string table, string column);

    /// <summary>A statement that makes concurrent migration transactions take turns until commit; null where writers are one at a time anyway.</summary>
    string? SerializeMigrations { get; }

    /// <summary>The condition that the <c>message_text</c> row matches the search parameter <paramref name="parameter"/>.</summary>
    string SearchMatch(string parameter);

    /// <summary>How well the <c>message_text</c> row matches <paramref name="parameter"/>: lower is better, as FTS5's bm25.</summary>
    string SearchRank(string parameter);

    /// <summary>
    /// The value of the search parameter for these words: every word must occur (each a phrase of its
    /// tokens), the last one as a prefix. The words are never read as query syntax.
    /// </summary>
    object SearchArgument(IReadOnlyList<string> words);
}
