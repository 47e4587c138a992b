using Confab.Tests.Infrastructure;

namespace Confab.Tests.Http;

/// <summary>The bad-input table for the client user, conversation and member endpoints.</summary>
public sealed class UserAndConversationBadInputTests(ConfabServer server) : BadInputTests<UserAndConversationBadInputTests>(server), IClassFixture<ConfabServer>, IBadInputGroups
{
    public static string[] Groups => ["users", "conversations", "members"];
}
