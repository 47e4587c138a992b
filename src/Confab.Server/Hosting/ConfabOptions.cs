using Confab.Server.Storage;

namespace Confab.Server.Hosting;

/// <summary>The <c>Confab</c> configuration section, validated at start-up.</summary>
public sealed class ConfabOptions
{
    public const string Section = "Confab";

    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary>SQLite database, uploaded files and generated keys live here.</summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>The platform operator's key; generated into the data directory when empty.</summary>
    public string? AdminKey { get; set; }

    /// <summary>Seeds a demo tenant and serves the demo page at <c>/</c> (on under <c>dotnet run</c>, through launch settings).</summary>
    public bool Demo { get; set; }

    /// <summary><c>sqlite</c> (embedded default) or <c>postgres</c>.</summary>
    public string Store { get; set; } = Sqlite;

    /// <summary>The PostgreSQL connection string, from <c>ConnectionStrings:Confab</c>.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// How long a node counts as alive after its last heartbeat (sent every quarter of it). A user whose only node
    /// died turns offline within this plus a quarter of it.
    /// </summary>
    public double NodeLeaseSeconds { get; set; } = 10;

    public bool UsesPostgres => string.Equals(Store, Postgres, StringComparison.OrdinalIgnoreCase);

    /// <summary>The base of the URLs the server hands out (attachments, avatars); taken from each request when empty.</summary>
    public string? PublicBaseUrl { get; set; }

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(DataDirectory)) yield return "Confab:DataDirectory must name a directory.";
        if (!UsesPostgres && !string.Equals(Store, Sqlite, StringComparison.OrdinalIgnoreCase))
            yield return $"Confab:Store '{Store}' is not a store; use '{Sqlite}' or '{Postgres}'.";
        if (UsesPostgres && ConnectionStringProblem() is { } problem) yield return problem;
        if (NodeLeaseSeconds is < 1 or > 3600) yield return "Confab:NodeLeaseSeconds must be between 1 and 3600.";
        if (!string.IsNullOrEmpty(PublicBaseUrl)
            && !(Uri.TryCreate(PublicBaseUrl, UriKind.Absolute, out var publicBase) && publicBase.Scheme is "http" or "https" && publicBase.Query.Length == 0))
            yield return "Confab:PublicBaseUrl must be an absolute http(s) URL without a query, such as https://chat.example.com.";
        if (AdminKey is { Length: > 0 and < 16 }) yield return "Confab:AdminKey must be at least 16 characters.";
    }

    private string? ConnectionStringProblem()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
            return "Confab:Store is 'postgres' but ConnectionStrings:Confab (environment: ConnectionStrings__Confab) is empty; "
                + "set it to a PostgreSQL connection string such as 'Host=db;Database=confab;Username=confab;Password=...'.";
        try
        {
            PostgresEngine.Describe(ConnectionString);
            return null;
        }
        catch (ArgumentException e)
        {
            return $"ConnectionStrings:Confab is not a valid PostgreSQL connection string: {e.Message}";
        }
    }
}
