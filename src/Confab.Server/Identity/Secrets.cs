using System.Security.Cryptography;
using System.Text;

namespace Confab.Server.Identity;

/// <summary>Random prefixed secrets, stored only as SHA-256 hashes.</summary>
public static class Secrets
{
    public static string New(string prefix) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}

/// <summary>The operator's key, held as a hash and compared in constant time.</summary>
public sealed class AdminKey(string key)
{
    private readonly byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public bool Matches(string? presented) =>
        presented is not null && CryptographicOperations.FixedTimeEquals(hash, SHA256.HashData(Encoding.UTF8.GetBytes(presented)));
}
