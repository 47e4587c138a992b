using System.Buffers;
using System.Collections;
using System.Collections.Concurrent;
using System.Data;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Confab.Server.Storage;

/// <summary>
/// The values a statement's <c>@name</c> parameters take from an argument object: its properties (an anonymous
/// object or a row), or the entries of a dictionary. Null is <see cref="DBNull"/> and an enum its number; for SQLite
/// a list is a JSON array for <c>json_each</c> (see <see cref="SqliteDialect.AnyOf"/>), for PostgreSQL it stays an array.
/// </summary>
internal static partial class SqlArguments
{
    /// <summary>Keyed by the statement's text: batched statements are texts fixed in the stores, not built from values.</summary>
    private static readonly ConcurrentDictionary<(Type Type, string Sql), (string[] Names, Func<object, object>[] Readers, Type?[] Declared)> ProviderReaders = new();

    /// <summary>The parameter names a statement uses, as spelled there, without the <c>@</c>; none inside literals or comments.</summary>
    public static IReadOnlyList<string> NamesIn(string sql) =>
        ParameterPattern().Matches(LiteralsAndComments().Replace(sql, " "))
            .Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Reads the value SQLite binds for each named parameter from an argument object of this type (a dictionary is read per name).</summary>
    public static Func<object, object>[] ReadersFor(Type type, IReadOnlyList<string> names) => ReadersFor(type, names, SqliteValue);

    /// <summary>
    /// The statement's parameters, their values as a provider with arrays (Npgsql) takes them, and the type each is
    /// declared with (a property's; none for a dictionary's entry). How to read them from an argument object is worked
    /// out once per statement and type (a dictionary is read per name).
    /// </summary>
    public static IEnumerable<(string Name, object Value, Type? Declared)> ValuesOf(string sql, object? args)
    {
        if (args is null) return [];
        var (names, readers, declared) = IsDictionary(args.GetType())
            ? ReadingOf(args.GetType(), sql)
            : ProviderReaders.GetOrAdd((args.GetType(), sql), static key => ReadingOf(key.Type, key.Sql));
        return names.Select((name, i) => (name, readers[i](args), declared[i]));
    }

    /// <summary>The database type of a value declared as <paramref name="type"/>, for a null of it; null when there is no plain one.</summary>
    public static DbType? DbTypeOf(Type? type) => (Nullable.GetUnderlyingType(type ?? typeof(object)) ?? type) switch
    {
        { IsEnum: true } => DbType.Int64,
        var t when t == typeof(string) => DbType.String,
        var t when t == typeof(long) => DbType.Int64,
        var t when t == typeof(int) => DbType.Int32,
        var t when t == typeof(bool) => DbType.Boolean,
        var t when t == typeof(double) => DbType.Double,
        var t when t == typeof(byte[]) => DbType.Binary,
        _ => null,
    };

    private static (string[] Names, Func<object, object>[] Readers, Type?[] Declared) ReadingOf(Type type, string sql)
    {
        var names = NamesIn(sql).ToArray();
        var declared = names.Select(name => IsDictionary(type) ? null : Property(type, name).PropertyType).ToArray();
        return (names, ReadersFor(type, names, ProviderValue), declared);
    }

    private static bool IsDictionary(Type type) => typeof(IReadOnlyDictionary<string, object?>).IsAssignableFrom(type);

    private static Func<object, object>[] ReadersFor(Type type, IReadOnlyList<string> names, Func<object?, object> bindable) =>
        IsDictionary(type)
            ? names.Select(name => (Func<object, object>)(args => bindable(((IReadOnlyDictionary<string, object?>)args).TryGetValue(name, out var value) ? value : throw Missing(name)))).ToArray()
            : names.Select(name => PropertyReader(type, name, bindable)).ToArray();

    private static PropertyInfo Property(Type type, string name) =>
        type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance)
        ?? type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)
        ?? throw Missing(name);

    private static Func<object, object> PropertyReader(Type type, string name, Func<object?, object> bindable)
    {
        var property = Property(type, name);
        var instance = Expression.Parameter(typeof(object));
        var read = Expression.Convert(Expression.Property(Expression.Convert(instance, type), property), typeof(object));
        var getter = Expression.Lambda<Func<object, object?>>(read, instance).Compile();
        return args => bindable(getter(args));
    }

    private static object SqliteValue(object? value) => value switch
    {
        IEnumerable list and not (string or byte[]) => JsonArray(list),
        _ => ProviderValue(value),
    };

    /// <summary>
    /// The list as a JSON array of text and whole numbers, what statements take lists of, written by System.Text.Json's
    /// writer item by item. The serializer, which looks up each item's type, was what cost: about 10 µs a send to bind
    /// a list of one ID (1.8 % of the server's CPU in `persist`).
    /// </summary>
    private static string JsonArray(IEnumerable list)
    {
        var buffer = new ArrayBufferWriter<byte>(64);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var item in list)
            {
                switch (item)
                {
                    case null: json.WriteNullValue(); break;
                    case string text: json.WriteStringValue(text); break;
                    case long or int or short or sbyte or byte or ushort or uint: json.WriteNumberValue(Convert.ToInt64(item, CultureInfo.InvariantCulture)); break;
                    default: throw new NotSupportedException($"No JSON for a {item.GetType().Name} in a list; bind lists of text or whole numbers.");
                }
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static object ProviderValue(object? value) => value switch
    {
        null => DBNull.Value,
        Enum number => Convert.ToInt64(number, System.Globalization.CultureInfo.InvariantCulture),
        _ => value,
    };

    public static InvalidOperationException Missing(string name) => new($"The statement's parameter @{name} has no value among its arguments.");

    [GeneratedRegex(@"(?<![\w@])@([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex ParameterPattern();

    [GeneratedRegex(@"'(?:[^']|'')*'|--[^\n]*")]
    private static partial Regex LiteralsAndComments();
}
