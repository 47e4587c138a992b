namespace Confab.Server.Storage;

/// <summary>Turns user text into a case-insensitive "contains" LIKE pattern (with <c>ESCAPE '\'</c>), wildcards escaped.</summary>
public static class LikePattern
{
    public static string? Contains(string? query) =>
        string.IsNullOrWhiteSpace(query)
            ? null
            : "%" + query.Trim().ToLowerInvariant()
                .Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("%", "\\%", StringComparison.Ordinal)
                .Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
