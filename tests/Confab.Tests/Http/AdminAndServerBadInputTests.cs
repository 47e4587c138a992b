using Confab.Tests.Infrastructure;

namespace Confab.Tests.Http;

/// <summary>The bad-input table for the admin and server (backend) endpoints.</summary>
public sealed class AdminAndServerBadInputTests(ConfabServer server) : BadInputTests<AdminAndServerBadInputTests>(server), IClassFixture<ConfabServer>, IBadInputGroups
{
    public static string[] Groups => ["admin", "server"];
}
