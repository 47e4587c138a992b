using Confab.Server.Identity;
using Microsoft.Extensions.Options;

namespace Confab.Server.Hosting;

/// <summary>
/// Resolves the operator's admin key: configured, or generated once into the data directory so
/// that it survives restarts. Requests are checked against its hash.
/// </summary>
public sealed partial class AdminKeyBootstrap(IOptions<ConfabOptions> options, ILogger<AdminKeyBootstrap> logger)
{
    public const string FileName = "admin.key";

    public AdminKey Load()
    {
        var configured = options.Value.AdminKey;
        if (!string.IsNullOrEmpty(configured)) return new AdminKey(configured);

        var path = Path.Combine(Path.GetFullPath(options.Value.DataDirectory), FileName);
        if (File.Exists(path))
        {
            LogUsingStoredKey(logger, path);
            return new AdminKey(File.ReadAllText(path).Trim());
        }

        var key = Secrets.New("ca_");
        File.WriteAllText(path, key + Environment.NewLine);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        LogGeneratedKey(logger, path);
        return new AdminKey(key);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Confab:AdminKey configured; generated one into {Path} (read it from there)")]
    private static partial void LogGeneratedKey(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Using the admin key stored in {Path}")]
    private static partial void LogUsingStoredKey(ILogger logger, string path);
}
