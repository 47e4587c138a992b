using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Confab.Server.Identity;
using Confab.Server.Storage;

namespace Confab.Server.Attachments;

/// <summary>What a signed link's check found.</summary>
public enum LinkCheck { Valid, Expired, Invalid }

/// <summary>
/// Attachment and avatar URLs, HMAC-signed with a key every node shares (kept in the database).
/// <para>
/// Attachment URLs name the user they were handed to and expire after <see cref="Lifetime"/>; fetching one
/// checks again that this user may still see the attachment. Because they expire, stored views (event
/// payloads in the log) never hold URLs: they hold tokens (<c>cfb-att:…</c>), and each answer resolves them
/// into fresh URLs for its receiver as it leaves the server (see <see cref="ResolveAll(string, string, string?, string)"/>).
/// </para>
/// Avatar URLs do not expire: avatars are shown to every user of the tenant, and their content never changes.
/// </summary>
public sealed partial class AttachmentLinks(Database database, AttachmentStore store, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
    public const string TokenPrefix = "cfb-att:";
    private const string KeyName = "attachment-links";

    private byte[]? key;

    [GeneratedRegex("\"cfb-att:([0-9A-Z]{26}):([ft]):([A-Za-z0-9_-]{22})\"")]
    private static partial Regex TokenInJson();

    [GeneratedRegex("^cfb-att:([0-9A-Z]{26}):([ft]):([A-Za-z0-9_-]{22})\\z")]
    private static partial Regex TokenAlone();

    /// <summary>Loads the signing key, creating it on the first start of the first node.</summary>
    public async Task LoadKeyAsync()
    {
        var value = await database.WriteAsync(db => store.SecretAsync(db, KeyName, Secrets.New("")));
        key = Encoding.UTF8.GetBytes(value);
    }

    /// <summary>Stands for the URL of an attachment (or its thumbnail) in a stored view.</summary>
    public string Token(string tenantId, string attachmentId, bool thumbnail)
    {
        var variant = thumbnail ? "t" : "f";
        return $"{TokenPrefix}{attachmentId}:{variant}:{Mac("token", tenantId, attachmentId, variant)}";
    }

    public bool MayHoldTokens(string json) => json.Contains(TokenPrefix, StringComparison.Ordinal);

    /// <summary>
    /// Replaces every token of <paramref name="tenantId"/> in a JSON text by a fresh URL for <paramref name="userId"/>
    /// (null: the tenant backend). A string that only looks like a token (a forgery, another tenant's) stays as it is.
    /// </summary>
    public string ResolveAll(string json, string tenantId, string? userId, string baseUrl) =>
        !MayHoldTokens(json) ? json : TokenInJson().Replace(json, match =>
            UrlFor(match, tenantId, userId, baseUrl) is { } url ? JsonSerializer.Serialize(url) : match.Value);

    public byte[] ResolveAll(byte[] utf8Json, string tenantId, string? userId, string baseUrl) =>
        utf8Json.AsSpan().IndexOf("cfb-att:"u8) < 0 ? utf8Json : Encoding.UTF8.GetBytes(ResolveAll(Encoding.UTF8.GetString(utf8Json), tenantId, userId, baseUrl));

    /// <summary>The token's URL, or null when <paramref name="token"/> is no token of this tenant.</summary>
    public string? Resolve(string token, string tenantId, string? userId, string baseUrl) =>
        TokenAlone().Match(token) is { Success: true } match ? UrlFor(match, tenantId, userId, baseUrl) : null;

    private string? UrlFor(Match token, string tenantId, string? userId, string baseUrl)
    {
        var (attachmentId, variant, mac) = (token.Groups[1].Value, token.Groups[2].Value, token.Groups[3].Value);
        return Matches(mac, Mac("token", tenantId, attachmentId, variant)) ? FileUrl(baseUrl, tenantId, attachmentId, variant == "t", userId) : null;
    }

    private string FileUrl(string baseUrl, string tenantId, string attachmentId, bool thumbnail, string? userId)
    {
        var expires = clock.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds();
        var path = FilePath(tenantId, attachmentId, thumbnail);
        var user = userId is null ? "" : $"user={Uri.EscapeDataString(userId)}&";
        return $"{baseUrl}{path}?{user}expires={expires.ToString(CultureInfo.InvariantCulture)}&signature={FileMac(path, userId, expires)}";
    }

    public static string FilePath(string tenantId, string attachmentId, bool thumbnail) =>
        $"/files/{tenantId}/{attachmentId}{(thumbnail ? "/thumbnail" : "")}";

    public LinkCheck CheckFile(string tenantId, string attachmentId, bool thumbnail, string? userId, long? expires, string? signature)
    {
        if (expires is null || signature is null || !Matches(signature, FileMac(FilePath(tenantId, attachmentId, thumbnail), userId, expires.Value)))
            return LinkCheck.Invalid;
        return clock.GetUtcNow().ToUnixTimeSeconds() >= expires ? LinkCheck.Expired : LinkCheck.Valid;
    }

    private string FileMac(string path, string? userId, long expires) =>
        Mac("file", path, userId ?? "", expires.ToString(CultureInfo.InvariantCulture));

    public string AvatarUrl(string baseUrl, string tenantId, string sha256) =>
        $"{baseUrl}/avatars/{tenantId}/{sha256}?signature={Mac("avatar", tenantId, sha256)}";

    public bool CheckAvatar(string tenantId, string sha256, string? signature) =>
        signature is not null && Matches(signature, Mac("avatar", tenantId, sha256));

    /// <summary>A 128-bit HMAC-SHA256 of the parts, base64url; the first part names what is signed so no MAC stands for another.</summary>
    private string Mac(params string[] parts)
    {
        var mac = HMACSHA256.HashData(key ?? throw new InvalidOperationException("The link signing key is not loaded."),
            Encoding.UTF8.GetBytes(string.Join('\n', parts)));
        return Convert.ToBase64String(mac, 0, 16).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    private static bool Matches(string presented, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(presented), Encoding.ASCII.GetBytes(expected));
}
