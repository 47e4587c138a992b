using Confab.Tests.Infrastructure;

namespace Confab.Tests.Http;

/// <summary>The bad-input table for the message and receipt endpoints.</summary>
public sealed class MessageAndReceiptBadInputTests(ConfabServer server) : BadInputTests<MessageAndReceiptBadInputTests>(server), IClassFixture<ConfabServer>, IBadInputGroups
{
    public static string[] Groups => ["messages", "receipts"];
}
