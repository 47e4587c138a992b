using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Confab.Server.Storage;

/// <summary>
/// The values a statement's <c>@name</c> parameters take from an argument object: its properties (an anonymous
/// object or a row), or the entries of a dictionary. Values are what SQLite binds: null as <see cref="DBNull"/>,
/// an enum as its number, and a list as a JSON array for <c>json_each</c> (see <see cref="SqliteDialect.AnyOf"/>).
/// </summary>
internal static partial class SqlArguments
{
    /// <summary>The parameter names a statement uses, as spelled there, without the <c>@</c>; none inside literals or comments.</summary>
    public static IReadOnlyList<string> NamesIn(string sql) =>
        ParameterPattern().Matches(LiteralsAndComments().Replace(sql, " "))
            .Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Reads the value of each named parameter from an argument object of this type (a dictionary is read per name).</summary>
    public static Func<object, object>[] ReadersFor(Type type, IReadOnlyList<string> names) =>
        typeof(IReadOnlyDictionary<string, object?>).IsAssignableFrom(type)
            ? names.Select(name => (Func<object, object>)(args => Bindable(((IReadOnlyDictionary<string, object?>)args).TryGetValue(name, out var value) ? value : throw Missing(name)))).ToArray()
            : names.Select(name => PropertyReader(type, name)).ToArray();

    private static Func<object, object> PropertyReader(Type type, string name)
    {
        var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance)
            ?? type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)
            ?? throw Missing(name);
        var instance = Expression.Parameter(typeof(object));
        var read = Expression.Convert(Expression.Property(Expression.Convert(instance, type), property), typeof(object));
        var getter = Expression.Lambda<Func<object, object?>>(read, instance).Compile();
        return args => Bindable(getter(args));
    }

    private static object Bindable(object? value) => value switch
    {
        null => DBNull.Value,
        string or byte[] => value,
        Enum number => Convert.ToInt64(number, System.Globalization.CultureInfo.InvariantCulture),
        IEnumerable list => JsonSerializer.Serialize(list.Cast<object?>()),
        _ => value,
    };

    public static InvalidOperationException Missing(string name) => new($"The statement's parameter @{name} has no value among its arguments.");

    [GeneratedRegex(@"(?<![\w@])@([A-Za-z_][A-Za-z0-9_]*)")]
    private static partial Regex ParameterPattern();

    [GeneratedRegex(@"'(?:[^']|'')*'|--[^\n]*")]
    private static partial Regex LiteralsAndComments();
}
