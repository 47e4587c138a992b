using System.Security.Cryptography;

namespace Confab.Server.Hosting;

/// <summary>
/// Confab-generated IDs: 26 characters of Crockford base32, a 48-bit millisecond timestamp then
/// 80 random bits, so they are URL-safe, unique and sort by creation time. Within one millisecond
/// the random part is incremented, so IDs made by this process also sort in the order made.
/// </summary>
public static class Ids
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private static readonly Lock Gate = new();
    private static long lastMillis;
    private static UInt128 lastRandom;

    public static string New(TimeProvider clock)
    {
        var millis = clock.GetUtcNow().ToUnixTimeMilliseconds();
        UInt128 random;
        lock (Gate)
        {
            if (millis <= lastMillis)
            {
                millis = lastMillis;
                random = lastRandom + 1;
            }
            else
            {
                Span<byte> bytes = stackalloc byte[16];
                RandomNumberGenerator.Fill(bytes);
                random = new UInt128(BitConverter.ToUInt64(bytes[..8]) & 0xFFFF, BitConverter.ToUInt64(bytes[8..])) >> 1;
            }
            lastMillis = millis;
            lastRandom = random;
        }

        Span<char> text = stackalloc char[26];
        var value = ((UInt128)(ulong)millis << 80) | (random & ((UInt128.One << 80) - 1));
        for (var i = 25; i >= 0; i--)
        {
            text[i] = Alphabet[(int)(value & 31)];
            value >>= 5;
        }
        return new string(text);
    }
}
