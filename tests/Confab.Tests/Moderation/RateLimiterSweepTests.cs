using Confab.Server.Http;
using Confab.Server.Moderation;
using Confab.Tests.Infrastructure;
using Confab.Tests.Realtime;

namespace Confab.Tests.Moderation;

/// <summary>The limiter forgets buckets left alone for a minute (full again by then), and only those.</summary>
public sealed class RateLimiterSweepTests
{
    private const int PerUser = 5;
    private const int PerTenant = 1_000;

    [Fact]
    public async Task Buckets_untouched_for_a_minute_are_dropped_and_a_user_at_the_limit_stays_refused()
    {
        var clock = new TestClock();
        using var frozen = clock.Freeze();
        var limiter = new RateLimiter(clock);
        for (var i = 0; i < 50; i++) Take(limiter, $"u{i}");
        Assert.Equal(51, limiter.BucketCount);

        clock.Advance(TimeSpan.FromSeconds(50));
        for (var i = 0; i < PerUser; i++) Take(limiter, "busy");
        Assert.Equal(429, Assert.Throws<ApiException>(() => Take(limiter, "busy")).Status);

        // The sweep runs on the thread pool, started by the first take a minute after the last one.
        clock.Advance(TimeSpan.FromSeconds(11));
        Assert.Equal(429, Assert.Throws<ApiException>(() => Take(limiter, "busy")).Status);
        await Kit.EventuallyAsync(() => Task.FromResult(limiter.BucketCount == 2), TimeSpan.FromSeconds(10), "the sweep of idle buckets");

        for (var i = 0; i < PerUser; i++) Take(limiter, "u0");
        Assert.Equal(429, Assert.Throws<ApiException>(() => Take(limiter, "u0")).Status);
        Assert.Equal(3, limiter.BucketCount);
    }

    [Fact]
    public void A_clock_set_back_takes_no_tokens_and_the_bucket_refills_from_then_on()
    {
        var clock = new TestClock();
        using var frozen = clock.Freeze();
        var limiter = new RateLimiter(clock);
        for (var i = 0; i < PerUser; i++) Take(limiter, "u1");

        clock.Advance(TimeSpan.FromHours(-1));
        Assert.Equal(429, Assert.Throws<ApiException>(() => Take(limiter, "u1")).Status);
        clock.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < PerUser; i++) Take(limiter, "u1");
        Assert.Equal(429, Assert.Throws<ApiException>(() => Take(limiter, "u1")).Status);
    }

    private static void Take(RateLimiter limiter, string userId) => limiter.Take("t1", userId, RateLimiter.Messages, PerUser, PerTenant);
}
