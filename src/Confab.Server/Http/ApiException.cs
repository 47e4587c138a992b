namespace Confab.Server.Http;

/// <summary>A refusal the caller can act on; the problem middleware turns it into a problem response.</summary>
public sealed class ApiException(int status, string code, string message) : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;

    /// <summary>For 429: when the caller may try again (sent as <c>Retry-After</c>).</summary>
    public TimeSpan? RetryAfter { get; init; }

    public static ApiException RateLimited(string message, TimeSpan retryAfter) => new(429, ErrorCodes.RateLimited, message) { RetryAfter = retryAfter };

    public static ApiException Invalid(string message) => new(400, ErrorCodes.ValidationFailed, message);
    public static ApiException BadRequest(string code, string message) => new(400, code, message);
    public static ApiException Unauthorized(string message) => new(401, ErrorCodes.Unauthorized, message);
    public static ApiException Forbidden(string code, string message) => new(403, code, message);
    public static ApiException NotFound(string code, string message) => new(404, code, message);
    public static ApiException Conflict(string code, string message) => new(409, code, message);
}
