using System.Globalization;

namespace Confab.Client;

/// <summary>Builds <c>?a=1&amp;b=x</c> from the parameters that have a value.</summary>
internal sealed class QueryString
{
    private readonly List<string> parts = [];

    public QueryString Add(string name, string? value)
    {
        if (value is not null) parts.Add($"{name}={Uri.EscapeDataString(value)}");
        return this;
    }

    public QueryString Add(string name, long? value) => Add(name, value?.ToString(CultureInfo.InvariantCulture));

    public QueryString Add(string name, bool? value) => Add(name, value switch { null => null, true => "true", false => "false" });

    public override string ToString() => parts.Count == 0 ? "" : "?" + string.Join('&', parts);
}
