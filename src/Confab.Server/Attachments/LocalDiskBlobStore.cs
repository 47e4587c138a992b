namespace Confab.Server.Attachments;

/// <summary>Blobs as files under <c>{DataDirectory}/blobs</c>; staged files sit beside them so taking one is a rename.</summary>
public sealed class LocalDiskBlobStore : IBlobStore
{
    private readonly string root;

    public LocalDiskBlobStore(string dataDirectory)
    {
        root = Path.Combine(dataDirectory, "blobs");
        StagingDirectory = Path.Combine(dataDirectory, "staging");
        Directory.CreateDirectory(root);
        // Staged files left by a crash belong to no upload.
        if (Directory.Exists(StagingDirectory)) Directory.Delete(StagingDirectory, recursive: true);
        Directory.CreateDirectory(StagingDirectory);
    }

    public string StagingDirectory { get; }

    public Task PutAsync(string key, StagedFile file)
    {
        var path = PathOf(key);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.Move(file.Path, path, overwrite: true);
            file.MarkTaken();
        }
        return Task.CompletedTask;
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

    public Task DeleteTenantAsync(string tenantId)
    {
        var directory = Path.Combine(root, tenantId);
        if (BlobKeys.IsTenantId(tenantId) && Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        return Task.CompletedTask;
    }

    private string PathOf(string key) =>
        BlobKeys.IsKey(key) ? Path.Combine(root, key) : throw new ArgumentException($"'{key}' is not a blob key.", nameof(key));
}
