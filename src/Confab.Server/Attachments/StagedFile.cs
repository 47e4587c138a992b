using System.Buffers;
using System.Security.Cryptography;
using Confab.Server.Http;

namespace Confab.Server.Attachments;

/// <summary>
/// A file as it arrives: streamed to a temporary file while it is counted and hashed, never held whole in
/// memory, and refused with 413 the moment it passes its limit. Deleted on dispose unless a blob store took it.
/// </summary>
public sealed class StagedFile : IDisposable
{
    private const int BufferSize = 64 * 1024;

    private StagedFile(string path) => Path = path;

    public string Path { get; }
    public long Size { get; private set; }

    /// <summary>The SHA-256 of the content, lower-case hex.</summary>
    public string Sha256 { get; private set; } = "";

    /// <summary>Set once a blob store has moved the file away; disposing then deletes nothing.</summary>
    public bool Taken { get; private set; }

    public static async Task<StagedFile> ReceiveAsync(string directory, Stream source, long maxBytes, string what, CancellationToken cancel)
    {
        Directory.CreateDirectory(directory);
        var staged = new StagedFile(System.IO.Path.Combine(directory, Guid.NewGuid().ToString("N")));
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var target = new FileStream(staged.Path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 0, FileOptions.Asynchronous))
            {
                int read;
                while ((read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancel)) > 0)
                {
                    staged.Size += read;
                    if (staged.Size > maxBytes)
                        throw new ApiException(413, ErrorCodes.PayloadTooLarge, $"The {what} is larger than the limit of {maxBytes} bytes.");
                    hash.AppendData(buffer, 0, read);
                    await target.WriteAsync(buffer.AsMemory(0, read), cancel);
                }
                // Acknowledged content must survive a power cut, as the row pointing at it does.
                target.Flush(flushToDisk: true);
            }
            staged.Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            return staged;
        }
        catch
        {
            staged.Dispose();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public FileStream OpenRead() => new(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.RandomAccess);

    public void MarkTaken() => Taken = true;

    public void Dispose()
    {
        if (!Taken) File.Delete(Path);
    }
}
