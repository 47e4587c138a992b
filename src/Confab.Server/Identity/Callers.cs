using System.Reflection;

namespace Confab.Server.Identity;

/// <summary>Which credential a route group requires; read by <see cref="CredentialsMiddleware"/>.</summary>
public enum CredentialKind { Admin, TenantBackend, User }

public sealed record CredentialRequirement(CredentialKind Kind);

/// <summary>A tenant backend authenticated by its API key.</summary>
public sealed record TenantCaller(string TenantId)
{
    public static ValueTask<TenantCaller?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult(context.Items[typeof(TenantCaller)] as TenantCaller);
}

/// <summary>An end user, by session token or by API key plus <c>X-User-Id</c>.</summary>
public sealed record UserCaller(string TenantId, string UserId, bool IsTenantAdmin)
{
    public static ValueTask<UserCaller?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult(context.Items[typeof(UserCaller)] as UserCaller);
}
