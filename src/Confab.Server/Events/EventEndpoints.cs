using System.Text;
using System.Text.Json;
using Confab.Server.Attachments;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Identity;

namespace Confab.Server.Events;

/// <summary>A durable event as the socket and the long-poll send it.</summary>
public sealed record EventEnvelope(string Type, JsonElement Payload, long Seq);

public sealed record EventBatch(IReadOnlyList<EventEnvelope> Items, long Since);

public static class EventEndpoints
{
    public const int MaxTimeoutSeconds = 30;

    public static void MapEventEndpoints(this RouteGroupBuilder client)
    {
        client.MapGet("/events", async (long? since, int? timeoutSeconds, int? limit, UserCaller caller, UserEventFeed feed, EventNotifier notifier,
                AttachmentLinks links, PublicUrls urls, HttpRequest request, CancellationToken aborted) =>
            {
                var timeout = timeoutSeconds ?? 0;
                if (timeout is < 0 or > MaxTimeoutSeconds) throw ApiException.BadRequest(ErrorCodes.InvalidParameter, $"timeoutSeconds must be between 0 and {MaxTimeoutSeconds}.");
                if (since < 0) throw ApiException.BadRequest(ErrorCodes.InvalidParameter, "since must not be negative.");
                var batch = Math.Min(Paging.Limit(limit), UserEventFeed.MaxBatch);
                var from = since ?? await feed.LastPositionAsync(caller.TenantId);
                var deadline = TimeSpan.FromSeconds(timeout);
                var clock = System.Diagnostics.Stopwatch.StartNew();

                while (true)
                {
                    var nextCommit = notifier.NextCommit(caller.TenantId);
                    var events = await feed.ReadAsync(caller.TenantId, caller.UserId, from, batch);
                    var remaining = deadline - clock.Elapsed;
                    if (events.Count > 0 || remaining <= TimeSpan.Zero)
                    {
                        var baseUrl = urls.BaseOf(request);
                        var items = events.Select(e => new EventEnvelope(e.Type,
                            ParsePayload(links.Resolve(Encoding.UTF8.GetBytes(e.Payload), caller.TenantId, caller.UserId, baseUrl)), e.Position)).ToList();
                        return new EventBatch(items, items.Count > 0 ? items[^1].Seq : from);
                    }
                    try
                    {
                        await nextCommit.WaitAsync(remaining, aborted);
                    }
                    catch (TimeoutException)
                    {
                    }
                }
            })
            .WithSummary("Long-poll the caller's durable event stream: answers at once when events wait, else at the next one or the timeout")
            .Produces<EventBatch>(200).Fails(410);
    }

    private static JsonElement ParsePayload(byte[] json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
