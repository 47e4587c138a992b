using System.Globalization;

namespace Confab.Server.Storage;

/// <summary>A value SQLite returned (long, double, string, bytes or null) as the CLR type the caller asked for, the way Dapper converts it.</summary>
internal static class SqlValues
{
    public static T As<T>(object? value)
    {
        if (value is null or DBNull) return default!;
        if (value is T same) return same;
        var target = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return target.IsEnum
            ? (T)Enum.ToObject(target, value)
            : (T)Convert.ChangeType(value, target, CultureInfo.InvariantCulture);
    }

    /// <summary>Types read from one column rather than mapped from a row's columns onto properties.</summary>
    public static bool IsSingleColumn(Type type)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        return target.IsPrimitive || target.IsEnum || target == typeof(string) || target == typeof(decimal) || target == typeof(byte[]);
    }
}
