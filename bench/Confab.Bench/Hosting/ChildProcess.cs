using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Confab.Bench.Hosting;

/// <summary>
/// A server the bench starts as its own pinned process, so its CPU and memory are its own and can be read
/// from /proc. Keeps the last lines of its output to explain a failed start, and shows them when it stops
/// after logging an error (a console log line starting <c>fail:</c> or <c>crit:</c>).
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private const int KeptLines = 20;

    private readonly Process process;
    private readonly Queue<string> lastLines = new();
    private string? firstError;

    private ChildProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    public Uri Address { get; }

    public ProcessSample Sample() => ProcessSample.Of(process.Id);

    /// <summary>Starts <paramref name="program"/> pinned to the server core and waits until <paramref name="readyPath"/> answers 200.</summary>
    public static async Task<ChildProcess> StartAsync(string program, IEnumerable<string> arguments, Uri address, string readyPath,
        IReadOnlyDictionary<string, string> environment, string workingDirectory)
    {
        var start = Pinning.ServerStartInfo(program, arguments);
        start.WorkingDirectory = workingDirectory;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        InlineSocketCompletions.KeepOutOf(start);
        foreach (var (key, value) in environment) start.Environment[key] = value;
        var child = new ChildProcess(Process.Start(start)!, address);
        child.process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        child.process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        child.process.BeginOutputReadLine();
        child.process.BeginErrorReadLine();
        try
        {
            await child.WaitReadyAsync(readyPath);
        }
        catch
        {
            await child.DisposeAsync();
            throw;
        }
        return child;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (lastLines)
        {
            if (firstError is null && (line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal)))
                firstError = line;
            lastLines.Enqueue(line);
            if (lastLines.Count > KeptLines) lastLines.Dequeue();
        }
    }

    private string LastOutput()
    {
        lock (lastLines) return string.Join(Environment.NewLine, lastLines);
    }

    private async Task WaitReadyAsync(string readyPath)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited) throw new InvalidOperationException($"{Address} exited during start-up:{Environment.NewLine}{LastOutput()}");
            try
            {
                if ((await http.GetAsync(new Uri(readyPath, UriKind.Relative))).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"{Address} was not ready within 60 s:{Environment.NewLine}{LastOutput()}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
        if (firstError is not null)
            await Console.Error.WriteLineAsync($"  server {Address} logged errors, first: {firstError}; its last lines:{Environment.NewLine}{LastOutput()}");
    }
}
