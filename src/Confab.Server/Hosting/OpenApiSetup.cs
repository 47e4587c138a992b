using System.Reflection;
using Confab.Server.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Confab.Server.Hosting;

/// <summary>The OpenAPI description at /openapi/v1.json: credentials, and every error code a problem response can carry.</summary>
public static class OpenApiSetup
{
    public static IServiceCollection AddConfabOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Confab",
                Version = "v1",
                Description =
                    "Self-hosted multi-tenant chat. Credentials: X-Admin-Key for /admin/v1; X-API-Key for /server/v1; " +
                    "Authorization: Bearer <session token> (or X-API-Key with X-User-Id) for /v1. Errors are RFC 9457 problem " +
                    "details with `message` and an upper-snake `code`, one of: " + string.Join(", ", AllErrorCodes()) + ".",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes = new Dictionary<string, IOpenApiSecurityScheme>
            {
                ["adminKey"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-Admin-Key" },
                ["apiKey"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Header, Name = "X-API-Key" },
                ["session"] = new OpenApiSecurityScheme { Type = SecuritySchemeType.Http, Scheme = "bearer" },
            };
            return Task.CompletedTask;
        }));

    private static IEnumerable<string> AllErrorCodes() =>
        typeof(ErrorCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string))
            .Select(f => (string)f.GetRawConstantValue()!);
}
