using Confab.Server.Identity;
using Confab.Server.Tenants;

namespace Confab.Server.Moderation;

/// <summary>Counts every request an end user makes against the user's and the tenant's request limits.</summary>
public sealed class RequestRateLimitMiddleware(RequestDelegate next, RateLimiter limiter, TenantService tenants)
{
    // A request without a user caller (the socket's, whose route asks for no credentials) passes straight through, so
    // that a long-lived request holds no frame of this middleware.
    public Task InvokeAsync(HttpContext context) =>
        context.Items[typeof(UserCaller)] is UserCaller caller ? CountThenRunAsync(context, caller) : next(context);

    private async Task CountThenRunAsync(HttpContext context, UserCaller caller)
    {
        var settings = await tenants.CachedSettingsAsync(caller.TenantId);
        limiter.Take(caller.TenantId, caller.UserId, RateLimiter.Requests,
            settings.RateLimits.RequestsPerMinutePerUser, settings.RateLimits.RequestsPerMinutePerTenant);
        await next(context);
    }
}
