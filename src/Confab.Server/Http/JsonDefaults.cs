using System.Text.Json;
using System.Text.Json.Serialization;
using Confab.Contracts;

namespace Confab.Server.Http;

/// <summary>The one JSON shape of the API, used by HTTP responses and by event payloads alike.</summary>
public static class JsonDefaults
{
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.AllowDuplicateProperties = false;
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new UtcTimestampConverter());
        return options;
    }
}
