using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
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
/// into fresh URLs for its receiver as it leaves the server (see <see cref="Prepare"/>).
/// </para>
/// Avatar URLs do not expire: avatars are shown to every user of the tenant, and their content never changes.
/// </summary>
public sealed class AttachmentLinks(Database database, ServerSecretStore secrets, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);
    public const string TokenPrefix = "cfb-att:";
    private const string KeyName = "attachment-links";
    private const int IdLength = 26;
    private const int MacLength = 22;

    /// <summary>A token as a JSON string starts with this: <c>"cfb-att:{id}:{f|t}:{mac}"</c>.</summary>
    private static readonly byte[] QuotedPrefix = Encoding.ASCII.GetBytes("\"" + TokenPrefix);

    private static readonly int TokenLength = TokenPrefix.Length + IdLength + 3 + MacLength;

    private byte[]? key;

    /// <summary>Loads the signing key, creating it on the first start of the first node.</summary>
    public async Task LoadKeyAsync()
    {
        var value = await database.WriteAsync(db => secrets.SecretAsync(db, KeyName, Secrets.New("")));
        key = Encoding.UTF8.GetBytes(value);
    }

    /// <summary>Stands for the URL of an attachment (or its thumbnail) in a stored view.</summary>
    public string Token(string tenantId, string attachmentId, bool thumbnail)
    {
        var variant = thumbnail ? "t" : "f";
        return $"{TokenPrefix}{attachmentId}:{variant}:{Mac("token", tenantId, attachmentId, variant)}";
    }

    /// <summary>
    /// The frame split around the tokens of <paramref name="tenantId"/> it holds, each checked once, ready to be
    /// completed for each receiver; null when it holds none. A string that only looks like a token (a forgery,
    /// another tenant's) is left as it is.
    /// </summary>
    public PersonalFrame? Prepare(byte[] utf8Json, string tenantId)
    {
        List<PersonalFrame.Slot>? slots = null;
        var from = 0;
        while (from < utf8Json.Length)
        {
            var found = utf8Json.AsSpan(from).IndexOf(QuotedPrefix);
            if (found < 0) break;
            var start = from + found;
            from = start + 1;
            if (start + 1 + TokenLength >= utf8Json.Length || utf8Json[start + 1 + TokenLength] != '"') continue;
            if (ReadToken(Encoding.ASCII.GetString(utf8Json, start + 1, TokenLength), tenantId) is not var (attachmentId, thumbnail)) continue;
            (slots ??= []).Add(new PersonalFrame.Slot(start, TokenLength + 2, attachmentId, thumbnail));
            from = start + TokenLength + 2;
        }
        return slots is null ? null : new PersonalFrame(utf8Json, slots, (attachmentId, thumbnail, userId, baseUrl) => FileUrl(baseUrl, tenantId, attachmentId, thumbnail, userId));
    }

    /// <summary>The JSON text with its tokens resolved into URLs for <paramref name="userId"/> (null: the tenant backend).</summary>
    public byte[] Resolve(byte[] utf8Json, string tenantId, string? userId, string baseUrl) =>
        Prepare(utf8Json, tenantId)?.For(userId, baseUrl) ?? utf8Json;

    /// <summary>The token's URL, or null when <paramref name="token"/> is no token of this tenant.</summary>
    public string? Resolve(string token, string tenantId, string? userId, string baseUrl) =>
        ReadToken(token, tenantId) is var (attachmentId, thumbnail) ? FileUrl(baseUrl, tenantId, attachmentId, thumbnail, userId) : null;

    /// <summary>The attachment a token of this tenant stands for; null for anything else.</summary>
    private (string AttachmentId, bool Thumbnail)? ReadToken(string token, string tenantId)
    {
        if (token.Length != TokenLength || !token.StartsWith(TokenPrefix, StringComparison.Ordinal)) return null;
        var parts = token[TokenPrefix.Length..].Split(':');
        return parts is [var attachmentId, var variant, var mac] && variant is "f" or "t" && Matches(mac, Mac("token", tenantId, attachmentId, variant))
            ? (attachmentId, variant == "t")
            : null;
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
