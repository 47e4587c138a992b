using System.Text.Json;
using System.Text.Json.Serialization;
using Confab.Contracts;
using Confab.Server.Hosting;
using Confab.Server.Identity;

namespace Confab.Server.Attachments;

/// <summary>
/// Writes attachments in HTTP responses with their tokens resolved into fresh URLs for the caller (a user, or the
/// tenant backend). Registered on the HTTP JSON options only: event payloads in the log keep their tokens.
/// </summary>
public sealed class AttachmentJsonConverter(IHttpContextAccessor http, AttachmentLinks links, PublicUrls urls) : JsonConverter<Attachment>
{
    private JsonSerializerOptions? plain;

    public override Attachment Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        JsonSerializer.Deserialize<Attachment>(ref reader, Plain(options))!;

    public override void Write(Utf8JsonWriter writer, Attachment value, JsonSerializerOptions options)
    {
        if (http.HttpContext is { } context && Caller(context) is var (tenantId, userId))
        {
            var baseUrl = urls.BaseOf(context.Request);
            value = value with
            {
                Url = links.Resolve(value.Url, tenantId, userId, baseUrl) ?? value.Url,
                ThumbnailUrl = value.ThumbnailUrl is null ? null : links.Resolve(value.ThumbnailUrl, tenantId, userId, baseUrl) ?? value.ThumbnailUrl,
            };
        }
        JsonSerializer.Serialize(writer, value, Plain(options));
    }

    private static (string TenantId, string? UserId)? Caller(HttpContext context) =>
        context.Items[typeof(UserCaller)] is UserCaller user ? (user.TenantId, user.UserId)
        : context.Items[typeof(TenantCaller)] is TenantCaller backend ? (backend.TenantId, null)
        : null;

    /// <summary>The same options without this converter, to write the record itself.</summary>
    private JsonSerializerOptions Plain(JsonSerializerOptions options)
    {
        if (plain is not null) return plain;
        var copy = new JsonSerializerOptions(options);
        copy.Converters.Remove(this);
        return plain = copy;
    }
}
