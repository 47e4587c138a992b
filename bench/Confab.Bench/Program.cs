using Confab.Bench;
using Confab.Bench.Hosting;

var options = BenchOptions.Parse(args);
if (options?.Scenario == CeilingServer.ScenarioName && options.Port is { } port)
{
    await CeilingServer.RunAsync(port);
    return 0;
}
if (options is null || !BenchOptions.Scenarios.Contains(options.Scenario))
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}
InlineSocketCompletions.Enable();
if (options.Url is not null && options.AdminKey is null && options.ApiKey is null)
{
    Console.Error.WriteLine("--url needs --admin-key (or --api-key for an existing tenant).");
    return 2;
}
return await BenchRun.RunAsync(options);
