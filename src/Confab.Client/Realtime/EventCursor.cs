namespace Confab.Client;

/// <summary>
/// The last durable seq handed to the app: the socket resumes after it, and delivers an event only when its
/// seq is above it, so no seq reaches the app twice or out of order, across any number of reconnects.
/// </summary>
internal sealed class EventCursor(long? resumeAfter)
{
    private const long None = -1;

    private long last = resumeAfter ?? None;

    public long? Last => Volatile.Read(ref last) is var value && value == None ? null : value;

    /// <summary>Where to resume on a connection whose ready frame reported <paramref name="readySeq"/>: from the last seq seen, else from now.</summary>
    public long ResumeFrom(long readySeq)
    {
        if (last == None) Volatile.Write(ref last, readySeq);
        return last;
    }

    /// <summary>True when <paramref name="seq"/> is new and now the last seen.</summary>
    public bool Advance(long seq)
    {
        if (seq <= last) return false;
        Volatile.Write(ref last, seq);
        return true;
    }

    /// <summary>
    /// The missed events are gone (or the seq resumed from is ahead of the log, kept from before a restore) and the
    /// app refetches: carry on from the position the server named, after which it delivers everything, even where
    /// that is below the seq resumed from.
    /// </summary>
    public void Resynced(long seq) => Volatile.Write(ref last, seq);
}
