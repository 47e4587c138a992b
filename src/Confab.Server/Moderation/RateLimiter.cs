using System.Collections.Concurrent;
using Confab.Server.Http;
using Confab.Server.Storage;

namespace Confab.Server.Moderation;

/// <summary>
/// Per-user and per-tenant token buckets, one per kind of action: each holds up to the tenant's per-minute limit and
/// refills at that rate, so a burst up to the limit passes and then one action per 60/limit seconds.
/// Kept in this process (a cluster shares nothing: each node enforces the limit on what it serves). A bucket left
/// alone for a minute is full again, no different from a new one, so such buckets are dropped once a minute, and
/// memory follows the users active in the last minute or two rather than every user ever seen.
/// </summary>
public sealed class RateLimiter(TimeProvider clock)
{
    public const string Requests = "requests";
    public const string Messages = "messages";

    private static readonly TimeSpan RefillTime = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<(string Tenant, string User, string Kind), Bucket> buckets = new();
    private long lastSweepTicks = clock.GetUtcNow().UtcTicks;

    /// <summary>How many buckets are kept.</summary>
    internal int BucketCount => buckets.Count;

    /// <summary>Takes one token from the user's bucket and one from the tenant's, or refuses with 429 (taking neither).</summary>
    public void Take(string tenantId, string userId, string kind, int perMinutePerUser, int perMinutePerTenant) =>
        TakeFromLimits(tenantId, userId, kind, perMinutePerUser, perMinutePerTenant);

    /// <summary>
    /// <see cref="Take"/> for an action a write performs: should the write's transaction roll back and the write run
    /// again (another write of its batch failed), the tokens go back first, so that the action is counted once.
    /// </summary>
    public void Take(WriteSession db, string tenantId, string userId, string kind, int perMinutePerUser, int perMinutePerTenant)
    {
        var (tenant, user) = TakeFromLimits(tenantId, userId, kind, perMinutePerUser, perMinutePerTenant);
        db.UndoIfRunAgain(() =>
        {
            GiveBackTo(user);
            GiveBackTo(tenant);
        });
    }

    /// <summary>Takes from the tenant's and the user's limits, and returns them.</summary>
    private (Limit Tenant, Limit User) TakeFromLimits(string tenantId, string userId, string kind, int perMinutePerUser, int perMinutePerTenant)
    {
        SweepIfDue();
        var tenant = new Limit((tenantId, "", kind), perMinutePerTenant);
        var user = new Limit((tenantId, userId, kind), perMinutePerUser);
        TakeFrom(tenant, user);
        return (tenant, user);
    }

    /// <summary>One bucket's key (the tenant's own has no user) and its per-minute limit.</summary>
    private readonly record struct Limit((string Tenant, string User, string Kind) Key, int PerMinute)
    {
        public string What => Key.User == "" ? $"{Key.Kind} in this tenant" : Key.Kind;
    }

    /// <summary>
    /// Takes a token from <paramref name="limit"/>'s bucket, having first taken one from <paramref name="inner"/>'s (if
    /// any) while this bucket stays locked, so that a refusal by either takes from neither. A bucket the sweep dropped
    /// in the meantime is replaced by a new one.
    /// </summary>
    private void TakeFrom(Limit limit, Limit? inner)
    {
        while (true)
        {
            var bucket = buckets.GetOrAdd(limit.Key, static (_, state) => new Bucket(state.PerMinute, state.Now), (limit.PerMinute, Now: clock.GetUtcNow()));
            lock (bucket)
            {
                if (bucket.Dropped) continue;
                Refill(bucket, limit.PerMinute);
                if (bucket.Tokens < 1) throw Refusal(limit.What, limit.PerMinute, bucket);
                if (inner is { } first) TakeFrom(first, null);
                bucket.Tokens -= 1;
                return;
            }
        }
    }

    // A bucket the sweep dropped was untouched for a minute, so full: it gets nothing. One made since in its place
    // never lost this token, so it may get one over what it would have (never over its limit), once.
    private void GiveBackTo(Limit limit)
    {
        if (!buckets.TryGetValue(limit.Key, out var bucket)) return;
        lock (bucket)
        {
            if (bucket.Dropped) return;
            Refill(bucket, limit.PerMinute);
            bucket.Tokens = Math.Min(limit.PerMinute, bucket.Tokens + 1);
        }
    }

    // A clock set back refills nothing and restarts the bucket's time there: it never loses tokens to the step, and
    // refills again from then on.
    private void Refill(Bucket bucket, int perMinute)
    {
        var now = clock.GetUtcNow();
        if (now < bucket.At)
        {
            bucket.At = now;
            return;
        }
        bucket.Tokens = Math.Min(perMinute, bucket.Tokens + (now - bucket.At) / RefillTime * perMinute);
        bucket.At = now;
    }

    /// <summary>
    /// Once a minute (or when the clock was set back), one caller starts a sweep on the thread pool, so that no request
    /// pays for walking every bucket.
    /// </summary>
    private void SweepIfDue()
    {
        var now = clock.GetUtcNow();
        var last = Interlocked.Read(ref lastSweepTicks);
        var since = now.UtcTicks - last;
        if ((since >= 0 && since < RefillTime.Ticks) || Interlocked.CompareExchange(ref lastSweepTicks, now.UtcTicks, last) != last) return;
        ThreadPool.UnsafeQueueUserWorkItem(_ => Sweep(now), null);
    }

    /// <summary>
    /// Drops the buckets untouched for a minute before <paramref name="now"/>. One is marked dropped under its lock, so a
    /// caller that found it just before takes a new one instead: no token taken is ever lost.
    /// </summary>
    private void Sweep(DateTimeOffset now)
    {
        foreach (var entry in buckets)
        {
            lock (entry.Value)
            {
                if (now - entry.Value.At < RefillTime) continue;
                entry.Value.Dropped = true;
                buckets.TryRemove(entry);
            }
        }
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

        /// <summary>Set when the sweep removed it: whoever holds it takes a new bucket instead.</summary>
        public bool Dropped { get; set; }
    }
}
