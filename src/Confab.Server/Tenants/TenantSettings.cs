using Confab.Server.Http;

namespace Confab.Server.Tenants;

/// <summary>A tenant's settings (spec section 9), stored as JSON on the tenant row.</summary>
public sealed record TenantSettings
{
    public int EditWindowSeconds { get; init; }
    public int DeleteWindowSeconds { get; init; } = 1800;
    public int MaxMessageLength { get; init; } = 4000;
    public long MaxUploadBytes { get; init; } = 26_214_400;
    public IReadOnlyList<string> AllowedUploadTypes { get; init; } =
        ["image/*", "video/*", "audio/*", "application/pdf", "text/plain", "application/zip",
         "application/msword", "application/vnd.openxmlformats-officedocument.*", "application/vnd.oasis.opendocument.*"];
    public bool EncryptionAtRest { get; init; }
    public int EventRetentionDays { get; init; } = 7;
    public RateLimitSettings RateLimits { get; init; } = new();

    public TenantSettings Apply(SettingsPatch patch)
    {
        var next = this with
        {
            EditWindowSeconds = patch.EditWindowSeconds ?? EditWindowSeconds,
            DeleteWindowSeconds = patch.DeleteWindowSeconds ?? DeleteWindowSeconds,
            MaxMessageLength = patch.MaxMessageLength ?? MaxMessageLength,
            MaxUploadBytes = patch.MaxUploadBytes ?? MaxUploadBytes,
            AllowedUploadTypes = patch.AllowedUploadTypes ?? AllowedUploadTypes,
            EncryptionAtRest = patch.EncryptionAtRest ?? EncryptionAtRest,
            EventRetentionDays = patch.EventRetentionDays ?? EventRetentionDays,
            RateLimits = new RateLimitSettings
            {
                MessagesPerMinutePerUser = patch.RateLimits?.MessagesPerMinutePerUser ?? RateLimits.MessagesPerMinutePerUser,
                RequestsPerMinutePerUser = patch.RateLimits?.RequestsPerMinutePerUser ?? RateLimits.RequestsPerMinutePerUser,
            },
        };
        next.Validate();
        return next;
    }

    private void Validate()
    {
        InRange(EditWindowSeconds, 0, 31_536_000, "editWindowSeconds");
        InRange(DeleteWindowSeconds, 0, 31_536_000, "deleteWindowSeconds");
        InRange(MaxMessageLength, 1, 100_000, "maxMessageLength");
        InRange(MaxUploadBytes, 1, 10L * 1024 * 1024 * 1024, "maxUploadBytes");
        InRange(EventRetentionDays, 1, 365, "eventRetentionDays");
        InRange(RateLimits.MessagesPerMinutePerUser, 1, 100_000, "rateLimits.messagesPerMinutePerUser");
        InRange(RateLimits.RequestsPerMinutePerUser, 1, 1_000_000, "rateLimits.requestsPerMinutePerUser");
        if (AllowedUploadTypes.Count > 100) throw ApiException.Invalid("allowedUploadTypes may list at most 100 types.");
        foreach (var type in AllowedUploadTypes)
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

public sealed record RateLimitSettings
{
    public int MessagesPerMinutePerUser { get; init; } = 60;
    public int RequestsPerMinutePerUser { get; init; } = 600;
}

public sealed class SettingsPatch
{
    public int? EditWindowSeconds { get; init; }
    public int? DeleteWindowSeconds { get; init; }
    public int? MaxMessageLength { get; init; }
    public long? MaxUploadBytes { get; init; }
    public IReadOnlyList<string>? AllowedUploadTypes { get; init; }
    public bool? EncryptionAtRest { get; init; }
    public int? EventRetentionDays { get; init; }
    public RateLimitPatch? RateLimits { get; init; }
}

public sealed class RateLimitPatch
{
    public int? MessagesPerMinutePerUser { get; init; }
    public int? RequestsPerMinutePerUser { get; init; }
}
