using System.Diagnostics;

namespace Confab.Bench.Hosting;

/// <summary>
/// Runs the generator's socket completions on the socket engine's own thread instead of queueing each one to the
/// thread pool: a broadcast to 1,000 subscribers is then 1,000 callbacks in one pass on the generator's core, not
/// 1,000 thread-pool work items (and their wake-ups), so the last receiver is not measured late. The receive
/// handlers never block. The servers the bench starts do not inherit it: they run as they would in production.
/// </summary>
public static class InlineSocketCompletions
{
    private const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Turns it on for this process; call before the first socket is opened (the runtime reads it once).</summary>
    public static void Enable() => Environment.SetEnvironmentVariable(Variable, "1");

    public static void KeepOutOf(ProcessStartInfo start) => start.Environment.Remove(Variable);
}
