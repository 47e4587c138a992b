using System.Globalization;

namespace Confab.Bench.Hosting;

/// <summary>Starts this very tool as the <see cref="CeilingServer"/>, pinned like Confab's server.</summary>
public static class CeilingProcess
{
    public static async Task<(ServerUnderTest Server, ChildProcess Process)> StartAsync()
    {
        var port = ChildProcess.FreePort();
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("No path for this process.");
        var arguments = new List<string>();
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") arguments.Add(typeof(CeilingProcess).Assembly.Location);
        arguments.AddRange([CeilingServer.ScenarioName, "--port", port.ToString(CultureInfo.InvariantCulture)]);
        var address = new Uri($"http://127.0.0.1:{port}");
        var process = await ChildProcess.StartAsync(self, arguments, address, CeilingServer.ReadyPath,
            new Dictionary<string, string>(), Environment.CurrentDirectory);
        return (new ServerUnderTest(address, speaksConfab: false, process), process);
    }
}
