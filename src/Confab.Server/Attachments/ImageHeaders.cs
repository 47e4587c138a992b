using System.Buffers.Binary;

namespace Confab.Server.Attachments;

/// <summary>Width and height from the headers of the image formats whose size is not at a fixed offset.</summary>
public static class ImageHeaders
{
    /// <summary>How many JPEG segments are walked before giving up on finding the frame header.</summary>
    private const int MaxJpegSegments = 512;

    /// <summary>Walks the JPEG's segments (skipping EXIF and other metadata by their lengths) to its start-of-frame.</summary>
    public static SniffedContent Jpeg(Stream file)
    {
        Span<byte> header = stackalloc byte[9];
        long position = 2;
        for (var segment = 0; segment < MaxJpegSegments; segment++)
        {
            file.Position = position;
            if (file.ReadAtLeast(header[..4], 4, throwOnEndOfStream: false) < 4 || header[0] != 0xFF) break;
            var marker = header[1];
            if (marker == 0xFF)
            {
                position++;
                continue;
            }
            if (marker is 0x01 or (>= 0xD0 and <= 0xD7))
            {
                position += 2;
                continue;
            }
            var length = BinaryPrimitives.ReadUInt16BigEndian(header[2..]);
            if (length < 2) break;
            if (marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC)
            {
                file.Position = position + 4;
                if (file.ReadAtLeast(header[..5], 5, throwOnEndOfStream: false) < 5) break;
                int height = BinaryPrimitives.ReadUInt16BigEndian(header[1..]);
                int width = BinaryPrimitives.ReadUInt16BigEndian(header[3..]);
                return width > 0 && height > 0 ? new("image/jpeg", width, height) : new("image/jpeg");
            }
            if (marker is 0xD9 or 0xDA) break;
            position += 2 + length;
        }
        return new("image/jpeg");
    }

    /// <summary>The canvas of a WebP: lossy (VP8), lossless (VP8L) or extended (VP8X).</summary>
    public static SniffedContent WebP(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 30)
        {
            var padded = new byte[30];
            bytes.CopyTo(padded);
            bytes = padded;
        }
        var chunk = bytes.Slice(12, 4);
        if (chunk.SequenceEqual("VP8 "u8) && bytes[23] == 0x9D && bytes[24] == 0x01 && bytes[25] == 0x2A)
            return new("image/webp", BinaryPrimitives.ReadUInt16LittleEndian(bytes[26..]) & 0x3FFF, BinaryPrimitives.ReadUInt16LittleEndian(bytes[28..]) & 0x3FFF);
        if (chunk.SequenceEqual("VP8L"u8) && bytes[20] == 0x2F)
        {
            var bits = BinaryPrimitives.ReadUInt32LittleEndian(bytes[21..]);
            return new("image/webp", (int)(bits & 0x3FFF) + 1, (int)((bits >> 14) & 0x3FFF) + 1);
        }
        if (chunk.SequenceEqual("VP8X"u8))
            return new("image/webp", ReadUInt24(bytes[24..]) + 1, ReadUInt24(bytes[27..]) + 1);
        return new("image/webp");
    }

    private static int ReadUInt24(ReadOnlySpan<byte> bytes) => bytes[0] | bytes[1] << 8 | bytes[2] << 16;
}
