using System.Text.Json;
using Confab.Bench;

// dotnet run -c Release --project bench/Confab.Bench -- <fanout|sends> [--sockets 1000] [--messages 20] [--senders 64] [--seconds 10]
//   [--store sqlite|postgres] [--postgres "<connection string>"] [--nodes 1]
var scenario = args.FirstOrDefault() ?? "fanout";
string? Text(string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
int Option(string name, int fallback) => Text(name) is { } value ? int.Parse(value, System.Globalization.CultureInfo.InvariantCulture) : fallback;

if (scenario is not ("fanout" or "sends"))
{
    Console.Error.WriteLine($"Unknown scenario '{scenario}'. Scenarios: fanout, sends.");
    return 2;
}
var postgres = (Text("--store") ?? "sqlite") == "postgres"
    ? Text("--postgres") ?? Environment.GetEnvironmentVariable("CONFAB_BENCH_POSTGRES")
      ?? throw new ArgumentException("--store postgres needs --postgres \"<connection string>\" or CONFAB_BENCH_POSTGRES.")
    : null;

await using var cluster = await ServerCluster.StartAsync(Option("--nodes", 1), postgres);
object result;
if (scenario == "fanout")
{
    var fanout = await FanoutScenario.RunAsync(cluster, Option("--sockets", 1000), Option("--messages", 20));
    Console.WriteLine($"fanout: {fanout.Sockets} sockets in one room on {fanout.Nodes} {fanout.Store} node(s), {fanout.Messages} messages sent one at a time");
    Console.WriteLine($"  connect           {fanout.ConnectSeconds:F2} s ({fanout.ConnectsPerSecond:F0} connects/s)");
    Console.WriteLine($"  server RSS        {fanout.ServerRssBeforeBytes / 1048576.0:F1} MiB before, {fanout.ServerRssAfterBytes / 1048576.0:F1} MiB with the sockets open");
    Console.WriteLine($"  memory per socket {fanout.ServerBytesPerSocket / 1024:F1} KiB");
    Console.WriteLine($"  delivery          {fanout.Delivery}");
    if (fanout.Nodes > 1)
    {
        Console.WriteLine($"    sender's node   {fanout.DeliveryOnSendersNode}");
        Console.WriteLine($"    other nodes     {fanout.DeliveryOnOtherNodes}");
    }
    Console.WriteLine($"  all delivered     median {fanout.AllDeliveredMs:F2} ms from send to the last socket");
    Console.WriteLine($"  lost              {fanout.Lost}");
    Console.WriteLine($"  server CPU        {fanout.ServerCpuSeconds:F2} s while sending");
    result = fanout;
}
else
{
    var sends = await SendsScenario.RunAsync(cluster, Option("--senders", 64), TimeSpan.FromSeconds(Option("--seconds", 10)));
    Console.WriteLine($"sends: {sends.Senders} concurrent REST senders on {sends.Nodes} {sends.Store} node(s) for {sends.Seconds:F1} s");
    Console.WriteLine($"  acknowledged      {sends.Sent} messages, {sends.SendsPerSecond:F0} sends/s");
    Console.WriteLine($"  send latency      {sends.SendLatency}");
    Console.WriteLine($"  server CPU        {sends.ServerCpuSeconds:F2} s");
    result = sends;
}

var file = $"bench-results-{scenario}.json";
await File.WriteAllTextAsync(file, JsonSerializer.Serialize(result, result.GetType(), new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
Console.WriteLine($"results written to {file}");
return 0;
