namespace Confab.Server.Hosting;

/// <summary>This server process among the nodes sharing one store: a fresh ID at every start.</summary>
public sealed class NodeIdentity
{
    public string Id { get; } = Guid.NewGuid().ToString("N");
}
