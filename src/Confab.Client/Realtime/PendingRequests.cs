using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;

namespace Confab.Client;

/// <summary>Requests waiting for their <c>ack</c> or <c>error</c>, by requestId.</summary>
internal sealed class PendingRequests
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonElement>> waiting = new(StringComparer.Ordinal);
    private long lastId;

    /// <summary>A new request ID and the task its answer completes; dispose it once done waiting.</summary>
    public PendingRequest Start()
    {
        var id = "c-" + Interlocked.Increment(ref lastId).ToString(CultureInfo.InvariantCulture);
        var answer = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        waiting[id] = answer;
        return new PendingRequest(this, id, answer.Task);
    }

    /// <summary>Completes the request an <c>ack</c> or <c>error</c> answers; an answer nobody waits for any more is dropped.</summary>
    public void Answer(Frame reply)
    {
        if (reply.RequestId is null || !waiting.TryRemove(reply.RequestId, out var answer)) return;
        if (reply.Type == FrameTypes.Ack) answer.TrySetResult(reply.Payload);
        else answer.TrySetException(reply.ToException());
    }

    /// <summary>Fails every request still waiting (the connection they were sent on is gone).</summary>
    public void FailAll(Func<Exception> error)
    {
        foreach (var id in waiting.Keys)
        {
            if (waiting.TryRemove(id, out var answer)) answer.TrySetException(error());
        }
    }

    public void Forget(string id) => waiting.TryRemove(id, out _);
}

internal readonly record struct PendingRequest(PendingRequests Owner, string Id, Task<JsonElement> Answer) : IDisposable
{
    public void Dispose() => Owner.Forget(Id);
}
