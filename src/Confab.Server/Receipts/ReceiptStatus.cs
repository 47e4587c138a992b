namespace Confab.Server.Receipts;

/// <summary>A receipt's status (<c>ReceiptEvent.Status</c>, and a message's own <c>Status</c>).</summary>
public static class ReceiptStatus
{
    public const string Sent = "sent";
    public const string Delivered = "delivered";
    public const string Read = "read";
}
