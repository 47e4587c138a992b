using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;

namespace Confab.Server.Http;

/// <summary>
/// Base of PATCH bodies: tells a field that was sent as null (clear it) from one that was not sent
/// (leave it). Properties record themselves from their init accessor, which JSON only calls when
/// the field is present.
/// </summary>
public abstract class PatchRequest
{
    private readonly HashSet<string> sent = [];

    protected void Mark([CallerMemberName] string name = "") => sent.Add(name);

    public bool Has(string propertyName) => sent.Contains(propertyName);

    [JsonIgnore]
    public bool IsEmpty => sent.Count == 0;
}
