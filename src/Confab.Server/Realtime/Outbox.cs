namespace Confab.Server.Realtime;

/// <summary>
/// The durable frames routed from one read of the log, handed over one socket at a time in log order, so that a
/// socket's frames usually go to the network in one write. The dispatcher's one
/// reader uses the same outbox for every read, so a read allocates no list.
/// </summary>
public sealed class Outbox
{
    /// <summary>Room kept for the next read once delivered; the list a burst grew is let go rather than held.</summary>
    private const int KeptCapacity = 2048;

    private List<(SocketConnection Connection, long Seq, byte[] Frame)> frames = [];
    private bool severalEvents;

    public void Add(SocketConnection connection, long seq, byte[] frame)
    {
        severalEvents |= frames.Count > 0 && frames[^1].Seq != seq;
        frames.Add((connection, seq, frame));
    }

    /// <summary>Hands every frame over and empties the outbox for the next read.</summary>
    public void Deliver()
    {
        // One event (the common case when the server is not busy) gives each socket one frame: nothing to group.
        var inSocketOrder = severalEvents ? frames.GroupBy(f => f.Connection).SelectMany(socket => socket) : frames;
        try
        {
            SocketConnection? previous = null;
            foreach (var (connection, seq, frame) in inSocketOrder)
            {
                if (previous is not null && previous != connection) previous.SendQueued();
                connection.QueueDurable(seq, frame);
                previous = connection;
            }
            previous?.SendQueued();
        }
        finally
        {
            frames.Clear();
            severalEvents = false;
            if (frames.Capacity > KeptCapacity) frames = [];
        }
    }
}
