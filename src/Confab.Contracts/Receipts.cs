namespace Confab.Contracts;

/// <summary>A member's delivered or read mark over some messages; also the payload of <c>message.receipt</c>.</summary>
public sealed record ReceiptEvent(string ConversationId, IReadOnlyList<string> MessageIds, string UserId, string Status, DateTimeOffset At);

/// <summary>Where the caller's mark stands after a receipt, and its unread count in the conversation.</summary>
public sealed record ReceiptResult(string ConversationId, string UserId, string Status, string? UpToMessageId, long UnreadCount);

/// <summary>Each member's read and delivered position in a conversation.</summary>
public sealed record ReadState(string? LastReadMessageId, DateTimeOffset? LastReadAt, IReadOnlyList<MemberReadStateView> Members);

public sealed record MemberReadStateView(string UserId, string? LastReadMessageId, DateTimeOffset? LastReadAt, string? LastDeliveredMessageId);

public sealed record UnreadSummary(long TotalUnread, IReadOnlyList<ConversationUnread> ByConversation);

public sealed record ConversationUnread(string ConversationId, long UnreadCount);
