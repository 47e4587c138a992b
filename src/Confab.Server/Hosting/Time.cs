namespace Confab.Server.Hosting;

/// <summary>Timestamps are stored as Unix milliseconds (portable across engines, cheap to compare).</summary>
public static class Time
{
    public static long Now(TimeProvider clock) => clock.GetUtcNow().ToUnixTimeMilliseconds();

    public static long ToMillis(DateTimeOffset value) => value.ToUnixTimeMilliseconds();

    public static DateTimeOffset FromMillis(long millis) => DateTimeOffset.FromUnixTimeMilliseconds(millis);

    public static DateTimeOffset? FromMillis(long? millis) => millis is null ? null : FromMillis(millis.Value);
}
