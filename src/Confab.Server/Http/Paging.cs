using Confab.Contracts;

namespace Confab.Server.Http;

public static class Paging
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static int Limit(int? requested) => requested switch
    {
        null => DefaultLimit,
        < 1 or > MaxLimit => throw ApiException.BadRequest(ErrorCodes.InvalidParameter, $"limit must be between 1 and {MaxLimit}."),
        _ => requested.Value,
    };

    /// <summary>Builds a page from up to <paramref name="limit"/>+1 rows: the extra row only says there is more.</summary>
    public static Page<T> From<TRow, T>(IReadOnlyList<TRow> rows, int limit, Func<TRow, T> shape, Func<TRow, string> cursorOf)
    {
        var items = rows.Take(limit).Select(shape).ToList();
        var next = rows.Count > limit ? cursorOf(rows[limit - 1]) : null;
        return new Page<T>(items, next);
    }
}
