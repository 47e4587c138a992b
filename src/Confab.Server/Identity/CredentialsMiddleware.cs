using Confab.Server.Http;

namespace Confab.Server.Identity;

/// <summary>
/// Authenticates the caller before anything of the request is bound or run, following the
/// <see cref="CredentialRequirement"/> of the matched route group.
/// </summary>
public sealed class CredentialsMiddleware(RequestDelegate next, AdminKey adminKey, CredentialStore credentials)
{
    // A route that asks for no credentials (the socket authenticates itself) passes straight through, so that a
    // long-lived request holds no frame of this middleware.
    public Task InvokeAsync(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<CredentialRequirement>() is { } requirement
            ? AuthenticateThenRunAsync(context, requirement.Kind)
            : next(context);

    private async Task AuthenticateThenRunAsync(HttpContext context, CredentialKind kind)
    {
        switch (kind)
        {
            case CredentialKind.Admin:
                if (!adminKey.Matches(context.Request.Headers["X-Admin-Key"]))
                    throw ApiException.Unauthorized("Send a valid X-Admin-Key header.");
                break;
            case CredentialKind.TenantBackend:
                context.Items[typeof(TenantCaller)] = await AuthenticateBackendAsync(context)
                    ?? throw ApiException.Unauthorized("Send a valid X-API-Key header.");
                break;
            case CredentialKind.User:
                context.Items[typeof(UserCaller)] = await AuthenticateUserAsync(context);
                break;
        }
        await next(context);
    }

    private async Task<TenantCaller?> AuthenticateBackendAsync(HttpContext context)
    {
        string? apiKey = context.Request.Headers["X-API-Key"];
        if (string.IsNullOrEmpty(apiKey)) return null;
        var tenantId = await credentials.FindTenantByApiKeyAsync(apiKey);
        return tenantId is null ? null : new TenantCaller(tenantId);
    }

    private async Task<UserCaller> AuthenticateUserAsync(HttpContext context)
    {
        string? authorization = context.Request.Headers.Authorization;
        if (authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var session = await credentials.FindSessionAsync(authorization["Bearer ".Length..].Trim())
                ?? throw ApiException.Unauthorized("The session token is invalid, expired or revoked.");
            return session.Caller;
        }

        if (context.Request.Headers.ContainsKey("X-API-Key"))
        {
            var backend = await AuthenticateBackendAsync(context) ?? throw ApiException.Unauthorized("Send a valid X-API-Key header.");
            string? userId = context.Request.Headers["X-User-Id"];
            if (string.IsNullOrEmpty(userId)) throw ApiException.Unauthorized("With X-API-Key, send X-User-Id naming the user to act as.");
            return await credentials.FindUserAsync(backend.TenantId, userId)
                ?? throw ApiException.Unauthorized("X-User-Id names no user of this tenant.");
        }

        throw ApiException.Unauthorized("Send Authorization: Bearer <session token>, or X-API-Key with X-User-Id.");
    }
}
