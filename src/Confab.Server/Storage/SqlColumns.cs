namespace Confab.Server.Storage;

public static class SqlColumns
{
    /// <summary>A column list (<c>"a, b"</c>) with each column qualified by the table alias (<c>"t.a, t.b"</c>); build it once, into a static field.</summary>
    public static string Prefixed(string columns, string alias) => string.Join(", ", columns.Split(", ").Select(c => $"{alias}.{c}"));
}
