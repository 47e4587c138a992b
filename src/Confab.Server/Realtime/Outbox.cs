namespace Confab.Server.Realtime;

/// <summary>
/// The sockets one read of the log routed frames to. Each frame is queued on its socket as it is routed (so a
/// socket's frames queue in log order) and written only once the whole read is routed, one socket at a time, so
/// that a socket's frames usually go to the network in one write. The dispatcher's one reader uses the same outbox
/// for every read, so a read allocates nothing once it has seen as many sockets.
/// </summary>
public sealed class Outbox
{
    /// <summary>Room kept for the next read once delivered; the set a burst grew is let go rather than held.</summary>
    private const int KeptCapacity = 2048;

    private HashSet<SocketConnection> touched = [];

    public void Add(SocketConnection connection, long seq, byte[] frame)
    {
        connection.QueueDurable(seq, frame);
        touched.Add(connection);
    }

    /// <summary>Writes every socket's queued frames and empties the outbox for the next read.</summary>
    public void Deliver()
    {
        try
        {
            foreach (var connection in touched) connection.SendQueued();
        }
        finally
        {
            if (touched.Count > KeptCapacity) touched = [];
            else touched.Clear();
        }
    }
}
