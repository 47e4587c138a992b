using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Confab.Tests.Infrastructure;

/// <summary>
/// The server as a process of its own (the build beside the tests, run with <c>dotnet Confab.Server.dll</c>) on a
/// free loopback port: for start-up failures, and for clusters of nodes that can be killed with SIGKILL.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    public const string AdminKey = ConfabServer.AdminKey;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process process;
    private readonly string dataDirectory;
    private readonly StringBuilder output = new();

    private NodeProcess(IReadOnlyDictionary<string, string> settings)
    {
        var port = FreePort();
        Address = new Uri($"http://127.0.0.1:{port}");
        dataDirectory = Path.Combine(Path.GetTempPath(), "confab-tests", Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet", $"Confab.Server.dll --urls {Address}")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["Confab__DataDirectory"] = dataDirectory;
        start.Environment["Confab__AdminKey"] = AdminKey;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings) start.Environment[key] = value;
        process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => Record(line.Data);
        process.ErrorDataReceived += (_, line) => Record(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri Address { get; }

    /// <summary>What the process printed so far.</summary>
    public string Output
    {
        get
        {
            lock (output) return output.ToString();
        }
    }

    /// <summary>Starts a node with these environment settings and waits until <c>/readyz</c> answers 200.</summary>
    public static async Task<NodeProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var node = new NodeProcess(settings);
        using var http = new HttpClient { BaseAddress = node.Address };
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (node.process.HasExited) throw new InvalidOperationException($"The node exited during start-up:\n{node.Output}");
            try
            {
                using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative));
                if (ready.StatusCode == HttpStatusCode.OK) return node;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        await node.DisposeAsync();
        throw new TimeoutException("The node did not become ready in time.");
    }

    /// <summary>Runs a node that is expected to stop by itself; returns its exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(IReadOnlyDictionary<string, string> settings)
    {
        await using var node = new NodeProcess(settings);
        using var timeout = new CancellationTokenSource(StartTimeout);
        await node.process.WaitForExitAsync(timeout.Token);
        node.process.WaitForExit();
        return (node.process.ExitCode, node.Output);
    }

    public HttpClient Client(Action<HttpClient>? configure = null)
    {
        var client = new HttpClient { BaseAddress = Address };
        configure?.Invoke(client);
        return client;
    }

    /// <summary>Ends the process with SIGKILL: no shutdown, sockets cut, leases left to run out.</summary>
    public async Task KillAsync()
    {
        if (process.HasExited) return;
        process.Kill();
        await process.WaitForExitAsync();
    }

    private void Record(string? line)
    {
        if (line is null) return;
        lock (output) output.AppendLine(line);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
        try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
    }
}
