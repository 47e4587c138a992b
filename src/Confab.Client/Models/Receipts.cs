namespace Confab.Client;

/// <summary>A member's delivered or read mark over some messages; also the payload of <c>message.receipt</c>.</summary>
public sealed record ReceiptEvent(string ConversationId, IReadOnlyList<string> MessageIds, string UserId, string Status, DateTimeOffset At);

/// <summary>
/// Which messages a delivered or read mark covers: the listed <c>MessageIds</c>, everything up to
/// <c>UpToMessageId</c>, or (both unset) everything so far. Marks only move forward.
/// </summary>
public sealed record ReceiptRequest
{
    public IReadOnlyList<string>? MessageIds { get; init; }
    public string? UpToMessageId { get; init; }
}

/// <summary>Where the caller's mark stands after a receipt, and its unread count in the conversation.</summary>
public sealed record ReceiptResult(string ConversationId, string UserId, string Status, string? UpToMessageId, long UnreadCount);

public sealed record ReadState(string? LastReadMessageId, DateTimeOffset? LastReadAt, IReadOnlyList<MemberReadState> Members);

public sealed record MemberReadState(string UserId, string? LastReadMessageId, DateTimeOffset? LastReadAt, string? LastDeliveredMessageId);

public sealed record UnreadSummary(long TotalUnread, IReadOnlyList<ConversationUnread> ByConversation);

public sealed record ConversationUnread(string ConversationId, long UnreadCount);
