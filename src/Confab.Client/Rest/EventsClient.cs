namespace Confab.Client;

/// <summary>
/// The durable event stream as a long-poll (<c>GET /v1/events</c>), for clients without a socket. Past the
/// retention window it fails with <see cref="ConfabApiException"/> code <c>RESYNC_REQUIRED</c> (410): refetch over REST.
/// </summary>
public sealed class EventsClient
{
    public const int MaxTimeoutSeconds = 30;

    private readonly ConfabHttp http;

    internal EventsClient(ConfabHttp http) => this.http = http;

    /// <summary>
    /// Events after <paramref name="since"/> (from now when null), answering at once when some are waiting and
    /// otherwise when one arrives or <paramref name="timeout"/> (up to 30 s) passes. Ask again from the batch's <c>Since</c>.
    /// </summary>
    public Task<EventBatch> PollAsync(long? since, TimeSpan timeout = default, int? limit = null, CancellationToken cancel = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(timeout, TimeSpan.FromSeconds(MaxTimeoutSeconds));
        var parameters = new QueryString().Add("since", since).Add("timeoutSeconds", (long)Math.Ceiling(timeout.TotalSeconds)).Add("limit", limit);
        return http.GetAsync<EventBatch>($"v1/events{parameters}", cancel);
    }
}
