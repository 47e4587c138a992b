namespace Confab.Tests.Infrastructure;

/// <summary>Real time plus an offset a test can move forward, to step past edit and delete windows without sleeping; it can also stand still.</summary>
public sealed class TestClock : TimeProvider
{
    private long offsetTicks;

    private long frozenAtTicks;

    public override DateTimeOffset GetUtcNow()
    {
        var frozen = Interlocked.Read(ref frozenAtTicks);
        return (frozen == 0 ? System.GetUtcNow() : new DateTimeOffset(frozen, TimeSpan.Zero)).AddTicks(Interlocked.Read(ref offsetTicks));
    }

    public void Advance(TimeSpan by) => Interlocked.Add(ref offsetTicks, by.Ticks);

    /// <summary>Stops time until disposed (moves with <see cref="Advance"/> only), for tests that count what a rate allows.</summary>
    public IDisposable Freeze()
    {
        Interlocked.Exchange(ref frozenAtTicks, System.GetUtcNow().UtcTicks);
        return new Thaw(this);
    }

    private sealed class Thaw(TestClock clock) : IDisposable
    {
        public void Dispose() => Interlocked.Exchange(ref clock.frozenAtTicks, 0);
    }
}
