using System.Collections.Concurrent;
using Confab.Server.Http;

namespace Confab.Server.Moderation;

/// <summary>
/// Per-user token buckets, one per kind of action: each holds up to the tenant's per-minute limit and
/// refills at that rate, so a burst up to the limit passes and then one action per 60/limit seconds.
/// Kept in this process (a cluster shares nothing: each node enforces the limit on what it serves).
/// </summary>
public sealed class RateLimiter(TimeProvider clock)
{
    public const string Requests = "requests";
    public const string Messages = "messages";

    private readonly ConcurrentDictionary<(string Tenant, string User, string Kind), Bucket> buckets = new();

    /// <summary>Takes one token, or refuses with 429 and how long until one is back.</summary>
    public void Take(string tenantId, string userId, string kind, int perMinute)
    {
        var bucket = buckets.GetOrAdd((tenantId, userId, kind), _ => new Bucket(perMinute, clock.GetUtcNow()));
        lock (bucket)
        {
            var now = clock.GetUtcNow();
            bucket.Tokens = Math.Min(perMinute, bucket.Tokens + (now - bucket.At).TotalMinutes * perMinute);
            bucket.At = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return;
            }
            var wait = TimeSpan.FromMinutes((1 - bucket.Tokens) / perMinute);
            throw ApiException.RateLimited($"Too many {kind}: at most {perMinute} a minute. Try again in {Math.Ceiling(wait.TotalSeconds)} s.", wait);
        }
    }

    private sealed class Bucket(double tokens, DateTimeOffset at)
    {
        public double Tokens { get; set; } = tokens;
        public DateTimeOffset At { get; set; } = at;
    }
}
