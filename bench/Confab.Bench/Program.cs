using System.Text.Json;
using Confab.Bench;

// dotnet run -c Release --project bench/Confab.Bench -- fanout [--sockets 1000] [--messages 20] [--nodes 1]
// dotnet run -c Release --project bench/Confab.Bench -- sends [--senders 32] [--seconds 10] [--nodes 1]
// With CONFAB_BENCH_POSTGRES set to the connection string of an empty database, the servers run on PostgreSQL
// (and --nodes may be more than 1: a cluster); otherwise on SQLite, one node.
var scenario = args.FirstOrDefault() ?? "fanout";
int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

if (scenario is not ("fanout" or "sends"))
{
    Console.Error.WriteLine($"Unknown scenario '{scenario}'. Scenarios: fanout, sends.");
    return 2;
}
var postgres = Environment.GetEnvironmentVariable("CONFAB_BENCH_POSTGRES");
var nodes = Option("--nodes", 1);
if (nodes > 1 && string.IsNullOrEmpty(postgres))
{
    Console.Error.WriteLine("Several nodes share one PostgreSQL database: set CONFAB_BENCH_POSTGRES.");
    return 2;
}
var settings = string.IsNullOrEmpty(postgres)
    ? new Dictionary<string, string>()
    : new Dictionary<string, string> { ["Confab__Store"] = "postgres", ["ConnectionStrings__Confab"] = postgres };

await ServerProcess.BuildAsync();
var servers = new List<ServerProcess>();
try
{
    for (var n = 0; n < nodes; n++) servers.Add(await ServerProcess.StartAsync(settings));
    var store = string.IsNullOrEmpty(postgres) ? "SQLite" : "PostgreSQL";
    object result;
    if (scenario == "fanout")
    {
        var fanout = await FanoutScenario.RunAsync(servers, Option("--sockets", 1000), Option("--messages", 20));
        Console.WriteLine($"fanout on {store}, {nodes} node(s): {fanout.Sockets} sockets in one room, {fanout.Messages} messages sent one at a time");
        Console.WriteLine($"  connect           {fanout.ConnectSeconds:F2} s ({fanout.ConnectsPerSecond:F0} connects/s)");
        Console.WriteLine($"  server RSS        {fanout.ServerRssBeforeBytes / 1048576.0:F1} MiB before, {fanout.ServerRssAfterBytes / 1048576.0:F1} MiB with the sockets open");
        Console.WriteLine($"  memory per socket {fanout.ServerBytesPerSocket / 1024:F1} KiB");
        Console.WriteLine($"  delivery          {fanout.Delivery}");
        Console.WriteLine($"  all delivered     median {fanout.AllDeliveredMs:F2} ms from send to the last socket");
        Console.WriteLine($"  lost              {fanout.Lost}");
        Console.WriteLine($"  server CPU        {fanout.ServerCpuSeconds:F2} s while sending");
        result = fanout;
    }
    else
    {
        var sends = await SendsScenario.RunAsync(servers, Option("--senders", 32), Option("--seconds", 10));
        Console.WriteLine($"sends on {store}, {nodes} node(s): {sends.Senders} senders in one room for {sends.Seconds:F1} s, one receiving socket per node");
        Console.WriteLine($"  sent              {sends.Sent} ({sends.SendsPerSecond:F0} sends/s)");
        Console.WriteLine($"  send request      {sends.SendLatency}");
        Console.WriteLine($"  delivery          {sends.Delivery}");
        Console.WriteLine($"  lost              {sends.Lost}");
        result = sends;
    }

    var file = $"bench-results-{scenario}.json";
    await File.WriteAllTextAsync(file, JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
    Console.WriteLine($"results written to {file}");
    return 0;
}
finally
{
    foreach (var server in servers) await server.DisposeAsync();
}
