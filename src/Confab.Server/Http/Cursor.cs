using System.Text;

namespace Confab.Server.Http;

/// <summary>
/// Opaque list cursors. Each names the list it belongs to, so a cursor from one list is rejected
/// by another. The values only steer a query that is already scoped to the caller.
/// </summary>
public static class Cursor
{
    private const char Separator = '\u001f';

    public static string Encode(string list, params string[] values) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Join(Separator, [list, .. values])))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string[] Decode(string list, string cursor, int valueCount)
    {
        string[] parts;
        try
        {
            var base64 = cursor.Replace('-', '+').Replace('_', '/');
            base64 = base64.PadRight(base64.Length + (4 - base64.Length % 4) % 4, '=');
            parts = Encoding.UTF8.GetString(Convert.FromBase64String(base64)).Split(Separator);
        }
        catch (FormatException)
        {
            throw Rejected();
        }
        if (parts.Length != valueCount + 1 || parts[0] != list) throw Rejected();
        return parts[1..];
    }

    /// <summary>A (number, id) position, the usual key of a time-ordered list, in a cursor of <paramref name="list"/>.</summary>
    public static string EncodePosition(string list, long number, string id) =>
        Encode(list, number.ToString(System.Globalization.CultureInfo.InvariantCulture), id);

    /// <summary>The (number, id) position of a cursor of <paramref name="list"/>, or null for the first page.</summary>
    public static (long Number, string Id)? DecodePosition(string list, string? cursor)
    {
        if (cursor is null) return null;
        var parts = Decode(list, cursor, 2);
        return (DecodeNumber(parts[0]), parts[1]);
    }

    public static long DecodeNumber(string value) =>
        long.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : throw Rejected();

    private static ApiException Rejected() => ApiException.BadRequest(ErrorCodes.InvalidCursor, "The cursor is not valid for this list.");
}
