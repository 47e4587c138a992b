using Microsoft.AspNetCore.WebUtilities;

namespace Confab.Server.Http;

/// <summary>Writes RFC 9457 problem details carrying ChatEmi's <c>message</c> and <c>code</c> members.</summary>
public static class ProblemWriter
{
    public const string ContentType = "application/problem+json";

    public static Task WriteAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ContentType;
        var body = new Problem("about:blank", ReasonPhrases.GetReasonPhrase(status), status, message, message, code);
        return context.Response.WriteAsJsonAsync(body, JsonDefaults.Options, ContentType);
    }
}

public sealed record Problem(string Type, string Title, int Status, string Detail, string Message, string Code);
