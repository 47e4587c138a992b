namespace Confab.Server.Receipts;

/// <summary>The ReceiptEvent of the contract: a member's delivered or read mark over some messages.</summary>
public sealed record ReceiptEvent(string ConversationId, IReadOnlyList<string> MessageIds, string UserId, string Status, DateTimeOffset At);

public static class ReceiptStatus
{
    public const string Sent = "sent";
    public const string Delivered = "delivered";
    public const string Read = "read";
}
