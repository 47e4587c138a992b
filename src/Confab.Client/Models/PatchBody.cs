using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Confab.Client;

/// <summary>
/// Base of PATCH bodies: only the properties that were set are sent, so setting one to null clears it
/// on the server while leaving it out leaves it unchanged.
/// </summary>
public abstract class PatchBody
{
    private readonly HashSet<string> sent = new(StringComparer.Ordinal);

    /// <summary>Records that the calling property was set; its JSON name is what gets sent.</summary>
    protected void Mark([CallerMemberName] string property = "") => sent.Add(JsonNamingPolicy.CamelCase.ConvertName(property));

    /// <summary>A JSON contract modifier that writes a patch body's set properties only, nulls included.</summary>
    internal static void WriteOnlySetProperties(JsonTypeInfo type)
    {
        if (!type.Type.IsAssignableTo(typeof(PatchBody))) return;
        foreach (var property in type.Properties)
        {
            var name = property.Name;
            property.ShouldSerialize = (body, _) => ((PatchBody)body).sent.Contains(name);
        }
    }
}
