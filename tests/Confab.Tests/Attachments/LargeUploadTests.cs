using System.Net.Http.Headers;
using System.Security.Cryptography;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Attachments;

/// <summary>A 200 MiB upload streams through: the server's managed heap stays flat while it arrives and while it is served back.</summary>
[Collection(HeapMeasurements.Name)]
public sealed class LargeUploadTests(ConfabServer server, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ConfabServer>
{
    private const long Size = 200L * 1024 * 1024;
    private const long AllowedHeapGrowth = 48L * 1024 * 1024;

    [Fact]
    public async Task A_200_MiB_upload_is_streamed_to_disk_and_back_without_holding_it_in_memory()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { maxUploadBytes = 300L * 1024 * 1024 }).ExpectJson(200);
        // A plain client on a real socket, so nothing in between buffers the body.
        using var alice = new HttpClient { BaseAddress = server.ClientOptions.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        alice.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await tenant.TokenAsync("alice"));

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        using var sampler = new HeapSampler();

        var form = new MultipartFormDataContent();
        var file = new StreamContent(new GeneratedPdf(Size));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(file, "file", "big.pdf");
        var attachment = await alice.PostAsync("/v1/attachments", form).ExpectJson(201);
        var uploadPeak = sampler.Peak;

        Assert.Equal(Size, attachment.GetProperty("size").GetInt64());
        Assert.Equal("application/pdf", attachment.Str("mimeType"));
        using var response = await alice.GetAsync(attachment.Str("url"), HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(Size, response.Content.Headers.ContentLength);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using (var body = await response.Content.ReadAsStreamAsync())
        {
            var buffer = new byte[81920];
            int read;
            while ((read = await body.ReadAsync(buffer)) > 0) hash.AppendData(buffer, 0, read);
        }

        Assert.Equal(GeneratedPdf.Sha256(Size), hash.GetHashAndReset());
        output.WriteLine($"Live heap growth: {(uploadPeak - baseline) / 1024} KiB uploading, {(sampler.Peak - baseline) / 1024} KiB by the end of serving.");
        Assert.True(uploadPeak - baseline < AllowedHeapGrowth, $"The heap grew by {(uploadPeak - baseline) / 1024 / 1024} MiB during the upload.");
        Assert.True(sampler.Peak - baseline < AllowedHeapGrowth, $"The heap grew by {(sampler.Peak - baseline) / 1024 / 1024} MiB while serving.");
    }

    /// <summary>Samples the live managed heap (after a full collection, so garbage does not count) every 50 ms, keeping the highest.</summary>
    private sealed class HeapSampler : IDisposable
    {
        private readonly CancellationTokenSource stop = new();
        private readonly Task sampling;
        private long peak;

        public HeapSampler() => sampling = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var now = GC.GetTotalMemory(forceFullCollection: true);
                if (now > Interlocked.Read(ref peak)) Interlocked.Exchange(ref peak, now);
                await Task.Delay(50);
            }
        });

        public long Peak => Interlocked.Read(ref peak);

        public void Dispose()
        {
            stop.Cancel();
            sampling.Wait();
            stop.Dispose();
        }
    }

    /// <summary>A PDF header followed by deterministic filler, produced as it is read.</summary>
    private sealed class GeneratedPdf(long length) : Stream
    {
        private long position;

        public static byte[] Sha256(long length)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var stream = new GeneratedPdf(length);
            var buffer = new byte[81920];
            int read;
            while ((read = stream.Read(buffer)) > 0) hash.AppendData(buffer, 0, read);
            return hash.GetHashAndReset();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var count = (int)Math.Min(buffer.Length, length - position);
            for (var i = 0; i < count; i++)
            {
                var at = position + i;
                buffer[i] = at < 5 ? "%PDF-"u8[(int)at] : (byte)(at * 31 % 251);
            }
            position += count;
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => length;
        public override long Position { get => position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
