namespace Confab.Contracts;

/// <summary>The event types the server sends, as in an event's <c>type</c>.</summary>
public static class EventTypes
{
    public const string ConversationCreated = "conversation.created";
    public const string ConversationUpdated = "conversation.updated";
    public const string ConversationDeleted = "conversation.deleted";
    public const string MemberAdded = "conversation.member.added";
    public const string MemberUpdated = "conversation.member.updated";
    public const string MemberRemoved = "conversation.member.removed";
    public const string MessageCreated = "message.created";
    public const string MessageUpdated = "message.updated";
    public const string MessageDeleted = "message.deleted";
    public const string MessageReaction = "message.reaction";
    public const string MessageReceipt = "message.receipt";
    public const string UnreadUpdated = "unread.updated";

    /// <summary>To one user: something concerns it (a mention).</summary>
    public const string Notification = "notification";

    /// <summary>Ephemeral: not in the log, no <c>seq</c>.</summary>
    public const string Typing = "typing";

    /// <summary>Ephemeral: not in the log, no <c>seq</c>.</summary>
    public const string Presence = "presence";

    /// <summary>
    /// The socket could not replay what was missed (it is past the retention window): refetch state over REST.
    /// Events after this one continue from the present.
    /// </summary>
    public const string ResyncRequired = "resync.required";
}
