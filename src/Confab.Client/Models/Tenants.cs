namespace Confab.Client;

public sealed record Tenant(string Id, string Name, DateTimeOffset CreatedAt);

/// <summary>A new tenant with its first API key, which is shown only here.</summary>
public sealed record CreatedTenant(string Id, string Name, DateTimeOffset CreatedAt, string ApiKey);

/// <summary>A new API key, shown only here.</summary>
public sealed record CreatedApiKey(string Id, string ApiKey);

/// <summary>A tenant's settings (editWindowSeconds 0 means no limit).</summary>
public sealed record TenantSettings(
    int EditWindowSeconds,
    int DeleteWindowSeconds,
    int MaxMessageLength,
    long MaxUploadBytes,
    IReadOnlyList<string> AllowedUploadTypes,
    bool EncryptionAtRest,
    int EventRetentionDays,
    RateLimitSettings RateLimits);

public sealed record RateLimitSettings(int MessagesPerMinutePerUser, int RequestsPerMinutePerUser);

/// <summary>Changes to a tenant's settings; null leaves a setting as it is.</summary>
public sealed record SettingsUpdate
{
    public int? EditWindowSeconds { get; init; }
    public int? DeleteWindowSeconds { get; init; }
    public int? MaxMessageLength { get; init; }
    public long? MaxUploadBytes { get; init; }
    public IReadOnlyList<string>? AllowedUploadTypes { get; init; }
    public bool? EncryptionAtRest { get; init; }
    public int? EventRetentionDays { get; init; }
    public RateLimitsUpdate? RateLimits { get; init; }
}

public sealed record RateLimitsUpdate
{
    public int? MessagesPerMinutePerUser { get; init; }
    public int? RequestsPerMinutePerUser { get; init; }
}
