namespace Confab.Server.Realtime;

/// <summary>
/// The durable frames routed from one read of the log, handed over one socket at a time in log order, so that a
/// socket's frames reach its network buffer back to back and usually leave in one write.
/// </summary>
public sealed class Outbox
{
    private readonly List<(SocketConnection Connection, long Seq, byte[] Frame)> frames = [];
    private bool severalEvents;

    public void Add(SocketConnection connection, long seq, byte[] frame)
    {
        severalEvents |= frames.Count > 0 && frames[^1].Seq != seq;
        frames.Add((connection, seq, frame));
    }

    public void Deliver()
    {
        // One event (the common case when the server is not busy) gives each socket one frame: nothing to group.
        var inSocketOrder = severalEvents ? frames.GroupBy(f => f.Connection).SelectMany(socket => socket) : frames;
        foreach (var (connection, seq, frame) in inSocketOrder) connection.DeliverDurable(seq, frame);
    }
}
