namespace Confab.Contracts;

/// <summary>The socket protocol's own frame types; events carry one of <see cref="EventTypes"/>.</summary>
public static class FrameTypes
{
    /// <summary>Server to client on connect, with the user's current log position.</summary>
    public const string Ready = "ready";

    /// <summary>Client to server: replay the events after a position.</summary>
    public const string Resume = "resume";

    /// <summary>Server to client: the replay is done; live events follow.</summary>
    public const string Resumed = "resumed";

    public const string Ack = "ack";
    public const string Error = "error";
}
