using Confab.Tests.Infrastructure;

namespace Confab.Tests.Hosting;

/// <summary>A store that cannot be used stops the server at start-up with one line that says why, not a stack trace.</summary>
public sealed class StartupErrorTests
{
    [Fact]
    public async Task Postgres_without_a_connection_string_names_the_missing_setting()
    {
        var (exitCode, output) = await NodeProcess.RunToExitAsync(new Dictionary<string, string> { ["Confab__Store"] = "postgres" });

        Assert.Equal(1, exitCode);
        Assert.Contains("Confab cannot start", output, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__Confab", output, StringComparison.Ordinal);
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task An_unreachable_database_is_named_with_the_reason()
    {
        var (exitCode, output) = await NodeProcess.RunToExitAsync(new Dictionary<string, string>
        {
            ["Confab__Store"] = "postgres",
            ["ConnectionStrings__Confab"] = "Host=127.0.0.1;Port=1;Database=confab;Username=confab;Password=secret-password;Timeout=5",
        });

        Assert.Equal(1, exitCode);
        Assert.Contains("the database at 127.0.0.1:1/confab cannot be used", output, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-password", output, StringComparison.Ordinal);
        AssertNoStackTrace(output);
    }

    [Fact]
    public async Task An_unknown_store_is_refused()
    {
        var (exitCode, output) = await NodeProcess.RunToExitAsync(new Dictionary<string, string> { ["Confab__Store"] = "mysql" });

        Assert.Equal(1, exitCode);
        Assert.Contains("Confab:Store 'mysql' is not a store", output, StringComparison.Ordinal);
        AssertNoStackTrace(output);
    }

    private static void AssertNoStackTrace(string output) =>
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
}
