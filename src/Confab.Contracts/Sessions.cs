namespace Confab.Contracts;

/// <summary>A session token issued for a user; the token is shown only here.</summary>
public sealed record IssuedSession(string Token, DateTimeOffset ExpiresAt, User User);
