using Confab.Contracts;
using Confab.Server.Http;

namespace Confab.Server.Tenants;

/// <summary>How a tenant's settings change (spec section 9): a PATCH applies over the stored settings, within limits.</summary>
public static class TenantSettingsRules
{
    /// <summary>The settings with the patch's non-null values applied; throws when the result is out of range.</summary>
    public static TenantSettings Apply(this TenantSettings settings, SettingsPatch patch)
    {
        var next = settings with
        {
            EditWindowSeconds = patch.EditWindowSeconds ?? settings.EditWindowSeconds,
            DeleteWindowSeconds = patch.DeleteWindowSeconds ?? settings.DeleteWindowSeconds,
            MaxMessageLength = patch.MaxMessageLength ?? settings.MaxMessageLength,
            MaxUploadBytes = patch.MaxUploadBytes ?? settings.MaxUploadBytes,
            AllowedUploadTypes = patch.AllowedUploadTypes ?? settings.AllowedUploadTypes,
            EncryptionAtRest = patch.EncryptionAtRest ?? settings.EncryptionAtRest,
            EventRetentionDays = patch.EventRetentionDays ?? settings.EventRetentionDays,
            RateLimits = new RateLimitSettings
            {
                MessagesPerMinutePerUser = patch.RateLimits?.MessagesPerMinutePerUser ?? settings.RateLimits.MessagesPerMinutePerUser,
                RequestsPerMinutePerUser = patch.RateLimits?.RequestsPerMinutePerUser ?? settings.RateLimits.RequestsPerMinutePerUser,
                MessagesPerMinutePerTenant = patch.RateLimits?.MessagesPerMinutePerTenant ?? settings.RateLimits.MessagesPerMinutePerTenant,
                RequestsPerMinutePerTenant = patch.RateLimits?.RequestsPerMinutePerTenant ?? settings.RateLimits.RequestsPerMinutePerTenant,
            },
        };
        Validate(next);
        return next;
    }

    private static void Validate(TenantSettings settings)
    {
        InRange(settings.EditWindowSeconds, 0, 31_536_000, "editWindowSeconds");
        InRange(settings.DeleteWindowSeconds, 0, 31_536_000, "deleteWindowSeconds");
        InRange(settings.MaxMessageLength, 1, 100_000, "maxMessageLength");
        InRange(settings.MaxUploadBytes, 1, 10L * 1024 * 1024 * 1024, "maxUploadBytes");
        InRange(settings.EventRetentionDays, 1, 365, "eventRetentionDays");
        InRange(settings.RateLimits.MessagesPerMinutePerUser, 1, 100_000, "rateLimits.messagesPerMinutePerUser");
        InRange(settings.RateLimits.RequestsPerMinutePerUser, 1, 1_000_000, "rateLimits.requestsPerMinutePerUser");
        InRange(settings.RateLimits.MessagesPerMinutePerTenant, 1, 10_000_000, "rateLimits.messagesPerMinutePerTenant");
        InRange(settings.RateLimits.RequestsPerMinutePerTenant, 1, 100_000_000, "rateLimits.requestsPerMinutePerTenant");
        if (settings.AllowedUploadTypes.Count > 100) throw ApiException.Invalid("allowedUploadTypes may list at most 100 types.");
        foreach (var type in settings.AllowedUploadTypes)
        {
            if (type is null || type.Length > 127 || !type.Contains('/') || type.Any(char.IsWhiteSpace))
                throw ApiException.Invalid("allowedUploadTypes must list mime types such as image/png or image/*.");
        }
    }

    private static void InRange(long value, long min, long max, string field)
    {
        if (value < min || value > max) throw ApiException.Invalid($"{field} must be between {min} and {max}.");
    }
}
