using System.Text.Json;
using Confab.Bench;

// dotnet run -c Release --project bench/Confab.Bench -- fanout [--sockets 1000] [--messages 20]
var scenario = args.FirstOrDefault() ?? "fanout";
int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

if (scenario != "fanout")
{
    Console.Error.WriteLine($"Unknown scenario '{scenario}'. Scenarios: fanout.");
    return 2;
}

await using var server = await ServerProcess.StartAsync();
var result = await FanoutScenario.RunAsync(server, Option("--sockets", 1000), Option("--messages", 20));

Console.WriteLine($"fanout: {result.Sockets} sockets in one room, {result.Messages} messages sent one at a time");
Console.WriteLine($"  connect           {result.ConnectSeconds:F2} s ({result.ConnectsPerSecond:F0} connects/s)");
Console.WriteLine($"  server RSS        {result.ServerRssBeforeBytes / 1048576.0:F1} MiB before, {result.ServerRssAfterBytes / 1048576.0:F1} MiB with the sockets open");
Console.WriteLine($"  memory per socket {result.ServerBytesPerSocket / 1024:F1} KiB");
Console.WriteLine($"  delivery          {result.Delivery}");
Console.WriteLine($"  all delivered     median {result.AllDeliveredMs:F2} ms from send to the last socket");
Console.WriteLine($"  lost              {result.Lost}");
Console.WriteLine($"  server CPU        {result.ServerCpuSeconds:F2} s while sending");

var file = $"bench-results-{scenario}.json";
await File.WriteAllTextAsync(file, JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
Console.WriteLine($"results written to {file}");
return 0;
