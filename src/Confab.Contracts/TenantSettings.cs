namespace Confab.Contracts;

/// <summary>
/// A tenant's settings (<c>GET/PATCH /server/v1/settings</c>); a new tenant starts with the defaults here.
/// <c>EditWindowSeconds</c> and <c>DeleteWindowSeconds</c> 0 mean no limit.
/// </summary>
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
}

public sealed record RateLimitSettings
{
    public int MessagesPerMinutePerUser { get; init; } = 60;
    public int RequestsPerMinutePerUser { get; init; } = 600;

    /// <summary>All of the tenant's users together (beyond the spec's per-user limits).</summary>
    public int MessagesPerMinutePerTenant { get; init; } = 6_000;
    public int RequestsPerMinutePerTenant { get; init; } = 60_000;
}

/// <summary>Changes to a tenant's settings; null leaves a setting as it is.</summary>
public sealed record SettingsPatch
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

public sealed record RateLimitPatch
{
    public int? MessagesPerMinutePerUser { get; init; }
    public int? RequestsPerMinutePerUser { get; init; }
    public int? MessagesPerMinutePerTenant { get; init; }
    public int? RequestsPerMinutePerTenant { get; init; }
}
