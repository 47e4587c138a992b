using Confab.Client;

namespace Confab.Tests.Client;

/// <summary>Waiting on a socket's event stream and state, with timeouts, so a test never hangs.</summary>
public static class SocketWaits
{
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    public static Task<ConfabEvent> NextAsync(this ConfabSocket socket, string type, TimeSpan? wait = null) =>
        socket.NextAsync(e => e.Type == type, wait);

    /// <summary>The next event matching <paramref name="match"/>, skipping the others.</summary>
    public static async Task<ConfabEvent> NextAsync(this ConfabSocket socket, Func<ConfabEvent, bool> match, TimeSpan? wait = null)
    {
        var found = await socket.CollectAsync(1, match, wait ?? DefaultWait);
        return found[0];
    }

    /// <summary>The next <paramref name="count"/> events matching <paramref name="match"/>, skipping the others.</summary>
    public static async Task<List<ConfabEvent>> CollectAsync(this ConfabSocket socket, int count, Func<ConfabEvent, bool> match, TimeSpan wait)
    {
        var found = new List<ConfabEvent>();
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            await foreach (var e in socket.ReadEventsAsync(timeout.Token))
            {
                if (match(e)) found.Add(e);
                if (found.Count == count) return found;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Only {found.Count} of {count} matching events arrived in time.");
        }
        throw new InvalidOperationException($"The event stream ended after {found.Count} of {count} matching events.");
    }

    /// <summary>Every event that arrives within <paramref name="window"/>.</summary>
    public static async Task<List<ConfabEvent>> DrainAsync(this ConfabSocket socket, TimeSpan window)
    {
        var found = new List<ConfabEvent>();
        using var timeout = new CancellationTokenSource(window);
        try
        {
            await foreach (var e in socket.ReadEventsAsync(timeout.Token)) found.Add(e);
        }
        catch (OperationCanceledException)
        {
        }
        return found;
    }

    /// <summary>Completes once the socket is in <paramref name="state"/>: at once if it is already, else when it gets there.</summary>
    public static Task InStateAsync(this ConfabSocket socket, ConfabSocketState state)
    {
        var reached = socket.StateAsync(state);
        return socket.State == state ? Task.CompletedTask : reached;
    }

    /// <summary>Completes when the socket next enters <paramref name="state"/>; call before causing the change.</summary>
    public static Task StateAsync(this ConfabSocket socket, ConfabSocketState state)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnChange(object? sender, ConfabSocketState next)
        {
            if (next != state) return;
            socket.StateChanged -= OnChange;
            reached.TrySetResult();
        }
        socket.StateChanged += OnChange;
        return reached.Task.WaitAsync(DefaultWait);
    }
}
