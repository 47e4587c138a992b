using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Confab.Client;

/// <summary>
/// An event from the server, as the socket and the long-poll deliver it. Durable events (everything but
/// <c>typing</c> and <c>presence</c>) carry <see cref="Seq"/>, the user's stream position. The <c>As…</c>
/// accessors read the payload of the event types they name and throw <see cref="InvalidOperationException"/> for others.
/// </summary>
public sealed record ConfabEvent(string Type, JsonElement Payload, long? Seq)
{
    public bool IsDurable => Seq is not null;

    /// <summary>message.created, message.updated.</summary>
    public Message AsMessage() => As(ConfabJson.Info<Message>(), EventTypes.MessageCreated, EventTypes.MessageUpdated);

    /// <summary>message.deleted.</summary>
    public MessageDeletedEvent AsMessageDeleted() => As(ConfabJson.Info<MessageDeletedEvent>(), EventTypes.MessageDeleted);

    /// <summary>conversation.created, conversation.updated.</summary>
    public Conversation AsConversation() =>
        As(ConfabJson.Info<Conversation>(), EventTypes.ConversationCreated, EventTypes.ConversationUpdated);

    /// <summary>conversation.deleted.</summary>
    public ConversationDeletedEvent AsConversationDeleted() => As(ConfabJson.Info<ConversationDeletedEvent>(), EventTypes.ConversationDeleted);

    /// <summary>conversation.member.added, conversation.member.updated, conversation.member.removed.</summary>
    public MemberEvent AsMemberEvent() => As(ConfabJson.Info<MemberEvent>(),
        EventTypes.MemberAdded, EventTypes.MemberUpdated, EventTypes.MemberRemoved);

    /// <summary>message.receipt.</summary>
    public ReceiptEvent AsReceipt() => As(ConfabJson.Info<ReceiptEvent>(), EventTypes.MessageReceipt);

    /// <summary>unread.updated.</summary>
    public UnreadUpdatedEvent AsUnreadUpdated() => As(ConfabJson.Info<UnreadUpdatedEvent>(), EventTypes.UnreadUpdated);

    /// <summary>notification (to this user only, e.g. a mention).</summary>
    public NotificationEvent AsNotification() => As(ConfabJson.Info<NotificationEvent>(), EventTypes.Notification);

    /// <summary>typing (ephemeral).</summary>
    public TypingEvent AsTyping() => As(ConfabJson.Info<TypingEvent>(), EventTypes.Typing);

    /// <summary>presence (ephemeral).</summary>
    public PresenceEvent AsPresence() => As(ConfabJson.Info<PresenceEvent>(), EventTypes.Presence);

    private T As<T>(JsonTypeInfo<T> shape, params ReadOnlySpan<string> types)
    {
        if (!types.Contains(Type)) throw new InvalidOperationException($"A '{Type}' event does not carry a {typeof(T).Name}.");
        return Payload.Deserialize(shape) ?? throw new JsonException($"The '{Type}' event has no payload.");
    }
}

public sealed record MessageDeletedEvent(string ConversationId, string MessageId);

public sealed record ConversationDeletedEvent(string ConversationId);

/// <summary>A membership change: <c>Member</c> for added and updated, <c>UserId</c> for removed.</summary>
public sealed record MemberEvent(string ConversationId, Member? Member, string? UserId);

public sealed record UnreadUpdatedEvent(string ConversationId, long UnreadCount, long TotalUnread);

/// <summary>Someone typing; it lapses by itself at <c>ExpiresAt</c> unless renewed (the server then sends IsTyping false).</summary>
public sealed record TypingEvent(string ConversationId, string UserId, User? User, bool IsTyping, DateTimeOffset? ExpiresAt);

/// <summary>Something that concerns this user, such as a mention (<c>Kind</c> "mention").</summary>
public sealed record NotificationEvent(
    string Id, string Kind, string Title, string? Body, string ConversationId, string MessageId, User? Actor, bool Read, DateTimeOffset CreatedAt);

/// <summary>A user's presence: online, away, busy or offline (with <c>LastSeenAt</c>).</summary>
public sealed record PresenceEvent(string UserId, string Status, DateTimeOffset? LastSeenAt);

/// <summary>A long-poll answer: events in order, and the position to ask from next.</summary>
public sealed record EventBatch(IReadOnlyList<ConfabEvent> Items, long Since);
