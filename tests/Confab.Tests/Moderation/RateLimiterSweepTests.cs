using Confab.Server.Http;
using Confab.Server.Moderation;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Moderation;

/// <summary>The limiter forgets buckets left alone for a minute (full again by then), and only those.</summary>
public sealed class RateLimiterSweepTests
{
    private const int PerUser = 5;
    private const int PerTenant = 1_000;

    [Fact]
    public void Buckets_untouched_for_a_minute_are_dropped_and_a_user_at_the_limit_stays_refused()
    {
        var clock = new TestClock();
        using var frozen = clock.Freeze();
        var limiter = new RateLimiter(clock);
        for (var i = 0; i < 50; i++) Take(limiter, $"u{i}");
        Assert.Equal(51, limiter.BucketCount);

        clock.Advance(TimeSpan.FromSeconds(50));
        for (var i = 0; i < PerUser; i++) Take(limiter, "busy");
        Assert.Equal(429, Assert.Throws<ApiException>(() => Take(limiter, "busy")).Status);

        clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(429, Assert.Throws<ApiException>(() => Take(limiter, "busy")).Status);
        Assert.Equal(2, limiter.BucketCount);

        Take(limiter, "u0");
        for (var i = 1; i < PerUser; i++) Take(limiter, "u0");
        Assert.Equal(429, Assert.Throws<ApiException>(() => Take(limiter, "u0")).Status);
        Assert.Equal(3, limiter.BucketCount);
    }

    private static void Take(RateLimiter limiter, string userId) => limiter.Take("t1", userId, RateLimiter.Messages, PerUser, PerTenant);
}
