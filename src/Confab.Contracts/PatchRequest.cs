using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Confab.Contracts;

/// <summary>
/// Base of PATCH bodies: tells a property that was set to null (clear it) from one that was not set (leave it).
/// Properties record themselves from their init accessor, which JSON only calls for fields that are present, so
/// the server reads what was sent with <see cref="Has"/>, and the SDK sends only what was set
/// (<see cref="WriteOnlySetProperties"/>).
/// </summary>
public abstract class PatchRequest
{
    // JSON (camelCase) names, as they travel.
    private readonly HashSet<string> sent = new(StringComparer.Ordinal);

    /// <summary>Records that the calling property was set.</summary>
    protected void Mark([CallerMemberName] string property = "") => sent.Add(JsonName(property));

    /// <summary>Whether the property (its C# name) was set or sent.</summary>
    public bool Has(string propertyName) => sent.Contains(JsonName(propertyName));

    [JsonIgnore]
    public bool IsEmpty => sent.Count == 0;

    /// <summary>A JSON contract modifier that writes a PATCH body's set properties only, nulls included.</summary>
    public static void WriteOnlySetProperties(JsonTypeInfo type)
    {
        if (!type.Type.IsAssignableTo(typeof(PatchRequest))) return;
        foreach (var property in type.Properties)
        {
            var name = property.Name;
            property.ShouldSerialize = (body, _) => ((PatchRequest)body).sent.Contains(name);
        }
    }

    private static string JsonName(string property) => JsonNamingPolicy.CamelCase.ConvertName(property);
}
