using System.Data.Common;
using Dapper;

namespace Confab.Server.Storage;

/// <summary>Rows mapped onto several objects, split at named columns as Dapper's multi-mapping splits them.</summary>
internal static class RowSplit
{
    /// <summary>
    /// The first column of each of <paramref name="count"/> objects: each after the first starts at the column
    /// <paramref name="splitOn"/> names for it (one name for all, or one per object), found from the right.
    /// </summary>
    public static int[] Starts(DbDataReader row, int count, string splitOn)
    {
        var names = splitOn.Split(',', StringSplitOptions.TrimEntries);
        if (names.Length != 1 && names.Length != count - 1)
            throw new ArgumentException($"Splitting a row onto {count} objects takes one column name or {count - 1}, not {names.Length}.", nameof(splitOn));
        var starts = new int[count];
        var end = row.FieldCount;
        for (var i = count - 1; i > 0; i--)
        {
            var name = names.Length == 1 ? names[0] : names[i - 1];
            var start = end - 1;
            while (start > 0 && !string.Equals(row.GetName(start), name, StringComparison.OrdinalIgnoreCase)) start--;
            if (start == 0) throw new InvalidOperationException($"No column {name} to split the row at for {count} objects.");
            starts[i] = end = start;
        }
        return starts;
    }

    /// <summary>How many columns the object starting at <paramref name="starts"/>[i] takes.</summary>
    public static int Length(DbDataReader row, int[] starts, int i) => (i + 1 < starts.Length ? starts[i + 1] : row.FieldCount) - starts[i];

    /// <summary>Every row of the reader's current result set, split onto objects of these types and mapped; an object after the first is null where its first column is.</summary>
    public static async Task<IReadOnlyList<TResult>> AllRowsAsync<TResult>(DbDataReader reader, Type[] types, Func<object?[], TResult> map, string splitOn)
    {
        var rows = new List<TResult>();
        if (!await reader.ReadAsync()) return rows;
        var starts = Starts(reader, types.Length, splitOn);
        var parsers = types.Select((type, i) => reader.GetRowParser(type, starts[i], Length(reader, starts, i), returnNullIfFirstMissing: i > 0)).ToArray();
        do
        {
            var objects = new object?[types.Length];
            for (var i = 0; i < types.Length; i++) objects[i] = parsers[i](reader);
            rows.Add(map(objects));
        }
        while (await reader.ReadAsync());
        return rows;
    }
}
