namespace Confab.Server.Hosting;

/// <summary>The <c>Confab</c> configuration section, validated at start-up.</summary>
public sealed class ConfabOptions
{
    public const string Section = "Confab";

    /// <summary>SQLite database, uploaded files and generated keys live here.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>The platform operator's key; generated into the data directory when empty.</summary>
    public string? AdminKey { get; set; }

    /// <summary>Seeds a demo tenant and serves the demo page at <c>/</c> (on under <c>dotnet run</c>, through launch settings).</summary>
    public bool Demo { get; set; }

    /// <summary><c>sqlite</c> (embedded default) or <c>postgres</c>.</summary>
    public string Store { get; set; } = "sqlite";

    /// <summary>The base of the URLs the server hands out (attachments, avatars); taken from each request when empty.</summary>
    public string? PublicBaseUrl { get; set; }

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory)) yield return "Confab:DataDirectory must name a directory.";
        if (!string.Equals(Store, "sqlite", StringComparison.OrdinalIgnoreCase))
            yield return $"Confab:Store '{Store}' is not supported by this build; use 'sqlite'.";
        if (!string.IsNullOrEmpty(PublicBaseUrl)
            && !(Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var publicBase) && publicBase.Scheme is "http" or "https" && publicBase.Query.Length == 0))
            yield return "Confab:PublicBaseUrl must be an absolute http(s) URL without a query, such as https://chat.example.com.";
        if (AdminKey is { Length: > 0 and < 16 }) yield return "Confab:AdminKey must be at least 16 characters.";
    }
}
