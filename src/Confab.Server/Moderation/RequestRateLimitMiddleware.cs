using Confab.Server.Identity;
using Confab.Server.Tenants;

namespace Confab.Server.Moderation;

/// <summary>Counts every request an end user makes against the user's and the tenant's request limits.</summary>
public sealed class RequestRateLimitMiddleware(RequestDelegate next, RateLimiter limiter, TenantService tenants)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.Items[typeof(UserCaller)] is UserCaller caller)
        {
            var settings = await tenants.CachedSettingsAsync(caller.TenantId);
            limiter.Take(caller.TenantId, caller.UserId, RateLimiter.Requests,
                settings.RateLimits.RequestsPerMinutePerUser, settings.RateLimits.RequestsPerMinutePerTenant);
        }
        await next(context);
    }
}
