using System.Diagnostics;

namespace Confab.Bench.Hosting;

/// <summary>
/// The Confab server from its Release build, as a pinned child process over its own data directory (SQLite) or
/// a given PostgreSQL database. Several of them on one PostgreSQL database are the nodes of a cluster.
/// </summary>
public static class ServerProcess
{
    public const string AdminKey = "bench-admin-key-0123456789";

    private const string ServerAssembly = "src/Confab.Server/bin/Release/net10.0/Confab.Server.dll";

    public static async Task BuildAsync()
    {
        using var build = Process.Start(new ProcessStartInfo("dotnet", "build -c Release src/Confab.Server --nologo -v q")
        {
            WorkingDirectory = RepositoryRoot(),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = build.StandardOutput.ReadToEndAsync();
        var errors = build.StandardError.ReadToEndAsync();
        await build.WaitForExitAsync();
        if (build.ExitCode != 0) throw new InvalidOperationException($"Building the server failed:{Environment.NewLine}{await output}{await errors}");
    }

    /// <summary>Starts a server over <paramref name="dataDirectory"/>, on PostgreSQL when a connection string is given.</summary>
    public static Task<ChildProcess> StartAsync(string dataDirectory, string? postgres)
    {
        var address = new Uri($"http://127.0.0.1:{ChildProcess.FreePort()}");
        var environment = new Dictionary<string, string>
        {
            ["Confab__DataDirectory"] = dataDirectory,
            ["Confab__AdminKey"] = AdminKey,
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (postgres is not null)
        {
            environment["Confab__Store"] = "postgres";
            environment["ConnectionStrings__Confab"] = postgres;
        }
        // Its content root is the build's folder, so it reads the appsettings.json it ships with, as when deployed.
        string[] arguments = [ServerAssembly, "--urls", address.ToString(), "--contentRoot", Path.GetDirectoryName(Path.Combine(RepositoryRoot(), ServerAssembly))!];
        return ChildProcess.StartAsync("dotnet", arguments, address, "/readyz", environment, RepositoryRoot());
    }

    public static string NewDataDirectory() => Path.Combine(Path.GetTempPath(), "confab-bench", Guid.NewGuid().ToString("N"));

    public static void DeleteDataDirectory(string dataDirectory)
    {
        try { Directory.Delete(dataDirectory, recursive: true); } catch (DirectoryNotFoundException) { } catch (IOException) { }
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Confab.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException("Run the benchmark from inside the Confab repository.");
    }
}
