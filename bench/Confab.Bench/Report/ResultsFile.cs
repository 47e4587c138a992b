using System.Text.Json;
using System.Text.Json.Serialization;

namespace Confab.Bench.Report;

/// <summary>Every scenario's results of one run, in one JSON file.</summary>
public static class ResultsFile
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static Task WriteAsync(string path, object run) => File.WriteAllTextAsync(path, JsonSerializer.Serialize(run, Options));
}
