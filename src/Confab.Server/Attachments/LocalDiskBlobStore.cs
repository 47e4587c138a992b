namespace Confab.Server.Attachments;

/// <summary>
/// Blobs as files under <c>{DataDirectory}/blobs</c>; staged files sit beside them so taking one is a rename.
/// Several nodes of a cluster may share the directory (a shared file system): names never collide.
/// </summary>
public sealed class LocalDiskBlobStore : IBlobStore
{
    /// <summary>A staged file this old belongs to no upload in progress (a crash left it).</summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromDays(1);

    /// <summary>How often a file operation that a concurrent tenant deletion (or upload) got in the way of is tried.</summary>
    private const int MaxAttempts = 5;

    private readonly string root;

    public LocalDiskBlobStore(string dataDirectory)
    {
        root = Path.Combine(dataDirectory, "blobs");
        StagingDirectory = Path.Combine(dataDirectory, "staging");
        Directory.CreateDirectory(root);
        Directory.CreateDirectory(StagingDirectory);
        foreach (var file in new DirectoryInfo(StagingDirectory).EnumerateFiles())
            if (DateTime.UtcNow - file.LastWriteTimeUtc > AbandonedAfter) file.Delete();
    }

    public string StagingDirectory { get; }

    /// <remarks>
    /// A deletion of the tenant may remove the directory between its creation and the move (an upload racing it, which
    /// then learns that the tenant is gone and removes the file itself): the directory is made again.
    /// </remarks>
    public Task PutAsync(string key, StagedFile file)
    {
        var path = PathOf(key);
        if (File.Exists(path)) return Task.CompletedTask;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.Move(file.Path, path, overwrite: true);
                file.MarkTaken();
                return Task.CompletedTask;
            }
            catch (IOException) when (attempt < MaxAttempts && File.Exists(file.Path))
            {
            }
        }
    }

    public Task<Stream?> OpenReadAsync(string key)
    {
        try
        {
            return Task.FromResult<Stream?>(new FileStream(PathOf(key), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, FileOptions.Asynchronous));
        }
        catch (Exception error) when (error is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    public Task DeleteAsync(string key)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    public async Task DeleteTenantAsync(string tenantId)
    {
        if (!BlobKeys.IsTenantId(tenantId)) return;
        var directory = Path.Combine(root, tenantId);
        // Files that an upload racing the deletion adds meanwhile make the directory "not empty": it is gone through
        // again (such an upload removes what it added itself, too).
        for (var attempt = 1; Directory.Exists(directory); attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException) when (attempt < MaxAttempts)
            {
                await Task.Delay(10 * attempt);
            }
        }
    }

    private string PathOf(string key) =>
        BlobKeys.IsKey(key) ? Path.Combine(root, key) : throw new ArgumentException($"'{key}' is not a blob key.", nameof(key));
}
