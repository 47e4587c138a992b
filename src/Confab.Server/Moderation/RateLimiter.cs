using System.Collections.Concurrent;
using Confab.Server.Http;

namespace Confab.Server.Moderation;

/// <summary>
/// Per-user and per-tenant token buckets, one per kind of action: each holds up to the tenant's per-minute limit and
/// refills at that rate, so a burst up to the limit passes and then one action per 60/limit seconds.
/// Kept in this process (a cluster shares nothing: each node enforces the limit on what it serves).
/// </summary>
public sealed class RateLimiter(TimeProvider clock)
{
    public const string Requests = "requests";
    public const string Messages = "messages";

    private readonly ConcurrentDictionary<(string Tenant, string User, string Kind), Bucket> buckets = new();

    /// <summary>Takes one token from the user's bucket and one from the tenant's, or refuses with 429 (taking neither).</summary>
    public void Take(string tenantId, string userId, string kind, int perMinutePerUser, int perMinutePerTenant)
    {
        var tenantBucket = buckets.GetOrAdd((tenantId, "", kind), _ => new Bucket(perMinutePerTenant, clock.GetUtcNow()));
        lock (tenantBucket)
        {
            Refill(tenantBucket, perMinutePerTenant);
            if (tenantBucket.Tokens < 1) throw Refusal($"{kind} in this tenant", perMinutePerTenant, tenantBucket);
            Take(tenantId, userId, kind, perMinutePerUser);
            tenantBucket.Tokens -= 1;
        }
    }

    private void Take(string tenantId, string userId, string kind, int perMinute)
    {
        var bucket = buckets.GetOrAdd((tenantId, userId, kind), _ => new Bucket(perMinute, clock.GetUtcNow()));
        lock (bucket)
        {
            Refill(bucket, perMinute);
            if (bucket.Tokens < 1) throw Refusal(kind, perMinute, bucket);
            bucket.Tokens -= 1;
        }
    }

    private void Refill(Bucket bucket, int perMinute)
    {
        var now = clock.GetUtcNow();
        bucket.Tokens = Math.Min(perMinute, bucket.Tokens + (now - bucket.At).TotalMinutes * perMinute);
        bucket.At = now;
    }

    private static ApiException Refusal(string what, int perMinute, Bucket bucket)
    {
        var wait = TimeSpan.FromMinutes((1 - bucket.Tokens) / perMinute);
        return ApiException.RateLimited($"Too many {what}: at most {perMinute} a minute. Try again in {Math.Ceiling(wait.TotalSeconds)} s.", wait);
    }

    private sealed class Bucket(double tokens, DateTimeOffset at)
    {
        public double Tokens { get; set; } = tokens;
        public DateTimeOffset At { get; set; } = at;
    }
}
