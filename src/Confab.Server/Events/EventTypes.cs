namespace Confab.Server.Events;

/// <summary>The durable event types of the socket contract (section 6).</summary>
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
    public const string MessageReceipt = "message.receipt";
    public const string UnreadUpdated = "unread.updated";
}
