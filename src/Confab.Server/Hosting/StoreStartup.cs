using System.Data.Common;
using Confab.Server.Storage;
using Microsoft.Extensions.Options;

namespace Confab.Server.Hosting;

/// <summary>Opens the store and applies its migrations before the server listens, or says in one line why it cannot.</summary>
public static partial class StoreStartup
{
    /// <summary>True when the store is ready; otherwise logs the reason (no stack trace) and returns false.</summary>
    public static async Task<bool> MigrateAsync(IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StoreStartup));
        try
        {
            await MigrationRunner.ApplyAsync(services.GetRequiredService<Database>());
            return true;
        }
        catch (OptionsValidationException invalid)
        {
            var problems = string.Join(" ", invalid.Failures);
            InvalidConfiguration(logger, problems);
        }
        catch (DbException unreachable)
        {
            var location = services.GetRequiredService<IStoreEngine>().Location;
            StoreUnusable(logger, location, unreachable.Message);
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Confab cannot start: {Problems}")]
    private static partial void InvalidConfiguration(ILogger logger, string problems);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Confab cannot start: the database at {Location} cannot be used: {Reason}")]
    private static partial void StoreUnusable(ILogger logger, string location, string reason);
}
