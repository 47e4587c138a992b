namespace Confab.Server.Realtime;

/// <summary>
/// The durable frames routed from one read of the log, gathered per socket in log order and handed over one
/// socket at a time, so that a socket's frames reach its network buffer back to back and usually leave in one write.
/// </summary>
public sealed class Outbox
{
    private readonly Dictionary<SocketConnection, List<(long Seq, byte[] Frame)>> frames = [];

    public void Add(SocketConnection connection, long seq, byte[] frame)
    {
        if (!frames.TryGetValue(connection, out var queued)) frames[connection] = queued = [];
        queued.Add((seq, frame));
    }

    public void Deliver()
    {
        foreach (var (connection, queued) in frames)
        {
            foreach (var (seq, frame) in queued) connection.DeliverDurable(seq, frame);
        }
    }
}
