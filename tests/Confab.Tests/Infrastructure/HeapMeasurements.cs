namespace Confab.Tests.Infrastructure;

/// <summary>
/// Test classes that measure the whole process's live managed heap run alone, not beside other classes: what those
/// hold at the moment of a sample counts too (one full run on PostgreSQL measured 122 MiB of growth during an upload
/// that, run alone, grows it by under 3 MiB).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HeapMeasurements
{
    public const string Name = "heap measurements";
}
