namespace Confab.Server.Storage;

/// <summary>
/// Case-insensitive search done the same way on every engine: the searchable text is folded in .NET
/// into a <c>search_key</c> column when written, and the query is folded the same way into a
/// "contains" LIKE pattern (with <c>ESCAPE '\'</c>). SQLite's own lower() folds ASCII only.
/// </summary>
public static class SearchText
{
    public static string Key(params string?[] parts) => Fold(string.Join('\n', parts.Where(p => !string.IsNullOrEmpty(p))));

    public static string? ContainsPattern(string? query) =>
        string.IsNullOrWhiteSpace(query)
            ? null
            : "%" + Fold(query.Trim())
                .Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal) + "%";

    private static string Fold(string text) => text.ToLowerInvariant();
}
