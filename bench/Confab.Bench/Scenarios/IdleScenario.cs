using Confab.Bench.Hosting;
using Confab.Bench.Load;
using Confab.Bench.Report;

namespace Confab.Bench.Scenarios;

/// <summary>
/// N idle sockets, connected and authenticated (each waits for the server's ready frame), first to Confab, then
/// to the ceiling: connects per second with 100 connects in flight, and the server's memory per socket
/// ((RSS with the sockets − RSS before) / N, each read after a short settle).
/// </summary>
public static class IdleScenario
{
    private const int ReceiveBuffer = 512;

    /// <summary>RSS is null for a server the bench did not start (--url).</summary>
    private sealed record IdleFigures(int Sockets, int Failures, string? FirstError, double ConnectsPerSecond, long? RssBefore, long? RssAfter)
    {
        public double BytesPerSocket => Sockets == 0 || RssBefore is null || RssAfter is null ? double.NaN : (RssAfter.Value - RssBefore.Value) / (double)Sockets;
    }

    public static async Task<ScenarioReport> RunAsync(BenchContext context)
    {
        var count = context.Options.Size(6_000, 18_000);
        var settle = TimeSpan.FromSeconds(context.Options.Size(2, 5));
        var report = new ScenarioReport("idle", $"idle: {count:N0} sockets on {context.StoreName(context.OnPostgres)}, then on the ceiling");

        IdleFigures confab;
        await using (var deployment = await context.StartConfabAsync())
        {
            using var api = context.Api(deployment);
            var (_, tokens) = await api.UsersInNewTenantAsync("idle", count);
            confab = await MeasureAsync(deployment.Nodes[0], tokens, settle);
        }
        var (ceilingServer, ceilingProcess) = await CeilingProcess.StartAsync();
        IdleFigures ceiling;
        await using (ceilingProcess) ceiling = await MeasureAsync(ceilingServer, new string?[count], settle);

        report
            .Row("authenticated sockets", confab.Sockets, $"{confab.Sockets:N0} of {count:N0}", Target.NoLessThan(count, $"{count:N0}"))
            .Row("server memory per socket", confab.BytesPerSocket, Shown.KiB(confab.BytesPerSocket), Target.NoMoreThan(16 * 1024, "<= 16 KiB (stretch 8)"))
            .Row("connects/s", confab.ConnectsPerSecond, Shown.PerSecond(confab.ConnectsPerSecond), Target.NoLessThan(1_000, ">= 1,000/s"))
            .Row("server RSS before / with sockets", confab.RssAfter, $"{Shown.MiB(confab.RssBefore ?? double.NaN)} / {Shown.MiB(confab.RssAfter ?? double.NaN)}")
            .Row("ceiling memory per socket", ceiling.BytesPerSocket, Shown.KiB(ceiling.BytesPerSocket))
            .Row("ceiling connects/s", ceiling.ConnectsPerSecond, Shown.PerSecond(ceiling.ConnectsPerSecond))
            .Row("memory per socket vs ceiling", confab.BytesPerSocket / ceiling.BytesPerSocket, Shown.Ratio(confab.BytesPerSocket / ceiling.BytesPerSocket))
            .Row("connects/s vs ceiling", confab.ConnectsPerSecond / ceiling.ConnectsPerSecond, Shown.Ratio(confab.ConnectsPerSecond / ceiling.ConnectsPerSecond))
            .Note("server GC heap not measured: the server exposes no endpoint for it and dotnet-counters is not installed; RSS only")
            .Note($"memory per socket = (RSS with the sockets - RSS before) / sockets, each RSS read {settle.TotalSeconds:F0} s after the last change");
        if (confab.Failures > 0) report.Note($"{confab.Failures} Confab connects failed, first: {confab.FirstError}");
        if (ceiling.Failures > 0) report.Note($"{ceiling.Failures} ceiling connects failed, first: {ceiling.FirstError}");
        report.Details["confab"] = confab;
        report.Details["ceiling"] = ceiling;
        return report;
    }

    private static async Task<IdleFigures> MeasureAsync(ServerUnderTest server, IReadOnlyList<string?> tokens, TimeSpan settle)
    {
        await Task.Delay(settle);
        var before = server.Sample()?.ResidentBytes;
        var fleet = await SocketFleet.ConnectAsync(server, tokens, ReceiveBuffer, _ => _ => { }, goLive: false);
        await Task.Delay(settle);
        var after = server.Sample()?.ResidentBytes;
        await SocketFleet.CloseAllAsync(fleet.Sockets);
        return new IdleFigures(fleet.Sockets.Length, fleet.Failures, fleet.FirstError, fleet.ConnectsPerSecond, before, after);
    }
}
