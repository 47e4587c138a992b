namespace Confab.Contracts;

public sealed record Tenant(string Id, string Name, DateTimeOffset CreatedAt);

/// <summary>A new tenant with its first API key, which is shown only here.</summary>
public sealed record CreatedTenant(string Id, string Name, DateTimeOffset CreatedAt, string ApiKey);

/// <summary>A new API key, shown only here.</summary>
public sealed record CreatedApiKey(string Id, string ApiKey);
