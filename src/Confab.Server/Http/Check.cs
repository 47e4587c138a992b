using System.Text.Json;
using System.Text.RegularExpressions;

namespace Confab.Server.Http;

/// <summary>Input checks shared by every endpoint; each failure is a 400 naming the field.</summary>
public static partial class Check
{
    public const int MaxMetadataBytes = 16 * 1024;

    [GeneratedRegex("^[A-Za-z0-9_.@:-]{1,128}\\z")]
    private static partial Regex UserIdPattern();

    [GeneratedRegex("^[0-9A-HJKMNP-TV-Z]{26}\\z")]
    private static partial Regex GeneratedIdPattern();

    public static string UserId(string? value, string field)
    {
        if (value is null || !UserIdPattern().IsMatch(value))
            throw ApiException.Invalid($"{field} must be 1 to 128 characters of A-Z a-z 0-9 _ . @ : -");
        return value;
    }

    /// <summary>A Confab-generated ID from a path; anything else cannot name an object, so it is simply not found.</summary>
    public static bool IsGeneratedId(string? value) => value is not null && GeneratedIdPattern().IsMatch(value);

    public static string Required(string? value, string field, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value)) throw ApiException.Invalid($"{field} is required.");
        return Length(value, field, maxLength)!;
    }

    public static string? Length(string? value, string field, int maxLength)
    {
        if (value is not null && value.Length > maxLength) throw ApiException.Invalid($"{field} must be at most {maxLength} characters.");
        return value;
    }

    public static string? OptionalText(string? value, string field, int maxLength) =>
        string.IsNullOrWhiteSpace(value) ? null : Length(value.Trim(), field, maxLength);

    public static T OneOf<T>(string? value, string field, IReadOnlyDictionary<string, T> allowed)
    {
        if (value is not null && allowed.TryGetValue(value, out var result)) return result;
        throw ApiException.Invalid($"{field} must be one of: {string.Join(", ", allowed.Keys)}.");
    }

    public static string? HttpUrl(string? value, string field)
    {
        if (string.IsNullOrEmpty(value)) return null;
        Length(value, field, 2048);
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw ApiException.Invalid($"{field} must be an absolute http or https URL.");
        return value;
    }

    /// <summary>Metadata is a JSON object of at most <see cref="MaxMetadataBytes"/> characters of JSON, stored as its compact text.</summary>
    public static string? Metadata(JsonElement? value, string field = "metadata")
    {
        if (value is null || value.Value.ValueKind == JsonValueKind.Null) return null;
        if (value.Value.ValueKind != JsonValueKind.Object) throw ApiException.Invalid($"{field} must be a JSON object.");
        var text = value.Value.GetRawText();
        if (text.Length > MaxMetadataBytes) throw ApiException.Invalid($"{field} must be at most {MaxMetadataBytes} characters of JSON.");
        return JsonSerializer.Serialize(value.Value);
    }

    public static IReadOnlyList<string> UserIds(IReadOnlyList<string?>? values, string field, int max)
    {
        if (values is null) return [];
        if (values.Count > max) throw ApiException.Invalid($"{field} may name at most {max} users.");
        return values.Select(v => UserId(v, field)).Distinct(StringComparer.Ordinal).ToList();
    }
}
