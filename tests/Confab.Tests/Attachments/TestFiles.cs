using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Confab.Tests.Attachments;

/// <summary>Real files of each format, made here byte by byte, so the tests depend on no fixtures.</summary>
public static class TestFiles
{
    /// <summary>A valid RGB PNG of the given size (every pixel one colour), with checksummed chunks and deflated data.</summary>
    public static byte[] Png(int width, int height, byte red = 200, byte green = 40, byte blue = 90)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;
        header[9] = 2;
        var raw = new MemoryStream();
        for (var y = 0; y < height; y++)
        {
            raw.WriteByte(0);
            for (var x = 0; x < width; x++) raw.Write([red, green, blue]);
        }
        var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(raw.ToArray());

        var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        Chunk(png, "IHDR", header);
        Chunk(png, "IDAT", compressed.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> number = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(number, data.Length);
        png.Write(number);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        BinaryPrimitives.WriteUInt32BigEndian(number, Crc32(typed));
        png.Write(number);
    }

    /// <summary>The CRC-32 (ISO-HDLC) every PNG chunk ends with.</summary>
    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    /// <summary>A baseline JPEG's marker structure: JFIF and EXIF segments before the frame header that holds the size.</summary>
    public static byte[] Jpeg(int width, int height)
    {
        var jpeg = new MemoryStream();
        jpeg.Write([0xFF, 0xD8]);
        jpeg.Write([0xFF, 0xE0, 0x00, 0x10, .. "JFIF\0"u8, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
        var exif = new byte[2000];
        "Exif\0\0"u8.CopyTo(exif);
        jpeg.Write([0xFF, 0xE1, (byte)((exif.Length + 2) >> 8), (byte)(exif.Length + 2)]);
        jpeg.Write(exif);
        jpeg.Write([0xFF, 0xC0, 0x00, 0x11, 0x08, (byte)(height >> 8), (byte)height, (byte)(width >> 8), (byte)width,
            0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
        jpeg.Write([0xFF, 0xDA, 0x00, 0x0C, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3F, 0x00, 0x12, 0x34, 0xFF, 0xD9]);
        return jpeg.ToArray();
    }

    /// <summary>A GIF89a of the given canvas holding one 1×1 image (the smallest valid LZW stream).</summary>
    public static byte[] Gif(int width, int height)
    {
        var gif = new MemoryStream();
        gif.Write("GIF89a"u8);
        gif.Write([(byte)width, (byte)(width >> 8), (byte)height, (byte)(height >> 8), 0x80, 0x00, 0x00]);
        gif.Write([0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF]);
        gif.Write([0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0x00]);
        gif.Write([0x02, 0x02, 0x44, 0x01, 0x00, 0x3B]);
        return gif.ToArray();
    }

    /// <summary>A lossless WebP (VP8L) header for the given size.</summary>
    public static byte[] WebP(int width, int height)
    {
        var bits = (uint)(width - 1) | (uint)(height - 1) << 14;
        var vp8l = new byte[] { 0x2F, (byte)bits, (byte)(bits >> 8), (byte)(bits >> 16), (byte)(bits >> 24), 0x00, 0x00, 0x00 };
        var webp = new MemoryStream();
        webp.Write("RIFF"u8);
        webp.Write(BitConverter.GetBytes(4 + 8 + vp8l.Length));
        webp.Write("WEBPVP8L"u8);
        webp.Write(BitConverter.GetBytes(vp8l.Length));
        webp.Write(vp8l);
        return webp.ToArray();
    }

    public static byte[] Pdf() => Encoding.ASCII.GetBytes(
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n" +
        "3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    /// <summary>An ID3v2 tag followed by MPEG-1 layer III frames of silence.</summary>
    public static byte[] Mp3()
    {
        var mp3 = new MemoryStream();
        mp3.Write([.. "ID3"u8, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00]);
        for (var frame = 0; frame < 10; frame++)
        {
            mp3.Write([0xFF, 0xFB, 0x90, 0x64]);
            mp3.Write(new byte[413]);
        }
        return mp3.ToArray();
    }

    /// <summary>A Windows executable's start: the MZ header and a PE signature.</summary>
    public static byte[] Executable()
    {
        var exe = new byte[1024];
        exe[0] = (byte)'M';
        exe[1] = (byte)'Z';
        BinaryPrimitives.WriteInt32LittleEndian(exe.AsSpan(0x3C), 0x80);
        "PE\0\0"u8.CopyTo(exe.AsSpan(0x80));
        return exe;
    }

    public static byte[] Html() => "<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"u8.ToArray();
}
