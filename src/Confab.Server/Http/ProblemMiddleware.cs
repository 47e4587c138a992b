using System.Text.Json;

namespace Confab.Server.Http;

/// <summary>
/// Every failure leaves as a problem response: refusals from the services, binding and body-size
/// failures from the framework, empty 4xx/5xx responses (404, 405, 415) and unexpected exceptions.
/// </summary>
public sealed partial class ProblemMiddleware(RequestDelegate next, ILogger<ProblemMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (ApiException error) when (!context.Response.HasStarted)
        {
            if (error.RetryAfter is { } wait)
                context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            await ProblemWriter.WriteAsync(context, error.Status, error.Code, error.Message);
            return;
        }
        catch (BadHttpRequestException error) when (!context.Response.HasStarted)
        {
            var (code, message) = Describe(error);
            await ProblemWriter.WriteAsync(context, error.StatusCode, code, message);
            return;
        }
        catch (Exception error) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            LogUnhandled(logger, error, context.Request.Method, context.Request.Path);
            await ProblemWriter.WriteAsync(context, 500, ErrorCodes.InternalError, "An unexpected error occurred.");
            return;
        }

        var response = context.Response;
        if (response.StatusCode >= 400 && !response.HasStarted && response.ContentLength is null && response.ContentType is null)
        {
            await ProblemWriter.WriteAsync(context, response.StatusCode, ErrorCodes.ForStatus(response.StatusCode), DefaultMessage(response.StatusCode));
        }
    }

    private static (string Code, string Message) Describe(BadHttpRequestException error)
    {
        if (error.StatusCode == 413) return (ErrorCodes.PayloadTooLarge, "The request body is too large.");
        if (error.StatusCode == 415) return (ErrorCodes.UnsupportedMediaType, "Send the body as application/json.");
        if (error.InnerException is JsonException json)
        {
            var where = string.IsNullOrEmpty(json.Path) || json.Path == "$" ? "" : $" at {json.Path}";
            return (ErrorCodes.InvalidJson, $"The JSON body is malformed or has a value of the wrong type{where}.");
        }
        if (error.Message.Contains("body", StringComparison.OrdinalIgnoreCase))
            return (ErrorCodes.InvalidJson, "The request needs a JSON body.");
        return (ErrorCodes.InvalidParameter, error.Message);
    }

    private static string DefaultMessage(int status) => status switch
    {
        404 => "No such resource.",
        405 => "This method is not allowed on this resource.",
        415 => "Send the body as application/json.",
        413 => "The request body is too large.",
        401 => "Credentials are missing or invalid.",
        _ => "The request failed.",
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception error, string method, string path);
}
