using Microsoft.Net.Http.Headers;

namespace Confab.Server.Http;

/// <summary>
/// JSON bodies are UTF-8 (spec section 1). A JSON body declaring another charset is refused with 415
/// before anything binds it; the framework would otherwise fail on an unknown charset with a 500.
/// </summary>
public sealed class Utf8JsonMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type)
            && type.MediaType.Value?.EndsWith("json", StringComparison.OrdinalIgnoreCase) == true
            && type.Charset.HasValue
            && !IsUtf8(HeaderUtilities.RemoveQuotes(type.Charset).Value))
            throw new ApiException(415, ErrorCodes.UnsupportedMediaType, "Send JSON encoded as UTF-8.");
        return next(context);
    }

    private static bool IsUtf8(string? charset) =>
        string.Equals(charset, "utf-8", StringComparison.OrdinalIgnoreCase) || string.Equals(charset, "utf8", StringComparison.OrdinalIgnoreCase);
}
