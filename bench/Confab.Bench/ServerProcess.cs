using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Confab.Bench;

/// <summary>
/// A Confab server run as its own process from a Release build, over a fresh data directory, so its
/// memory and CPU are its own and can be read from /proc. Several of them, given one PostgreSQL database,
/// are the nodes of a cluster.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    public const string AdminKey = "bench-admin-key-0123456789";

    private readonly Process process;
    private readonly string dataDirectory;

    private ServerProcess(Process process, string dataDirectory, Uri address)
    {
        this.process = process;
        this.dataDirectory = dataDirectory;
        Address = address;
    }

    public Uri Address { get; }

    public int Pid => process.Id;

    public static async Task BuildAsync()
    {
        var build = Process.Start(new ProcessStartInfo("dotnet", "build -c Release src/Confab.Server --nologo -v q") { WorkingDirectory = FindRepositoryRoot() })!;
        await build.WaitForExitAsync();
        if (build.ExitCode != 0) throw new InvalidOperationException("Building the server failed.");
    }

    /// <summary>Starts the Release build (see <see cref="BuildAsync"/>) with these extra environment settings.</summary>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string> settings)
    {
        var root = FindRepositoryRoot();
        var port = FreePort();
        var dataDirectory = Path.Combine(Path.GetTempPath(), "confab-bench", Guid.NewGuid().ToString("N"));
        var start = new ProcessStartInfo("dotnet", $"src/Confab.Server/bin/Release/net10.0/Confab.Server.dll --urls http://127.0.0.1:{port}")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["Confab__DataDirectory"] = dataDirectory;
        start.Environment["Confab__AdminKey"] = AdminKey;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings) start.Environment[key] = value;
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new ServerProcess(process, dataDirectory, new Uri($"http://127.0.0.1:{port}"));
        await server.WaitReadyAsync();
        return server;
    }

    /// <summary>Resident memory of the server process, in bytes.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        }
        throw new InvalidOperationException("No VmRSS for the server process.");
    }

    /// <summary>CPU time the server has used so far.</summary>
    public TimeSpan CpuTime()
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    private async Task WaitReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = Address };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited) throw new InvalidOperationException("The server exited during start-up.");
            try
            {
                if ((await http.GetAsync(new Uri("/readyz", UriKind.Relative))).StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException("The server did not become ready within 60 s.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Confab.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("Run the benchmark from inside the Confab repository.");
    }

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
        try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
    }
}
