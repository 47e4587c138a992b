using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Confab.Server.Attachments;

/// <summary>What the bytes of a file are, whatever its name or the client says; images with their size.</summary>
public sealed record SniffedContent(string MimeType, int? Width = null, int? Height = null)
{
    public string Type => MediaTypes.TypeOf(MimeType);
}

/// <summary>
/// Decides the mime type from a file's leading bytes (magic numbers), reading further only where a format
/// needs it: a JPEG's frame header, a ZIP's entry names (office documents). The file name only tells apart
/// formats that share one container (old Office files). Unknown bytes are <c>application/octet-stream</c>.
/// </summary>
public static class ContentSniffer
{
    public const string Unknown = "application/octet-stream";
    private const int HeadLength = 4096;

    /// <summary>A ZIP with more entries than this is not opened to look for office documents: reading its directory would cost too much.</summary>
    public const int MaxZipEntries = 10_000;

    public static SniffedContent Sniff(Stream file, string? fileName)
    {
        var head = new byte[HeadLength];
        file.Position = 0;
        var length = file.ReadAtLeast(head, HeadLength, throwOnEndOfStream: false);
        var bytes = head.AsSpan(0, length);
        return Image(bytes, file) ?? new SniffedContent(Audio(bytes) ?? Video(bytes) ?? Document(bytes, file, fileName) ?? Text(bytes) ?? Unknown);
    }

    private static bool StartsWith(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> prefix, int at = 0) =>
        bytes.Length >= at + prefix.Length && bytes.Slice(at, prefix.Length).SequenceEqual(prefix);

    private static string? Brand(ReadOnlySpan<byte> bytes) =>
        StartsWith(bytes, "ftyp"u8, 4) && bytes.Length >= 12 ? Encoding.ASCII.GetString(bytes.Slice(8, 4)) : null;

    private static SniffedContent? Image(ReadOnlySpan<byte> bytes, Stream file)
    {
        if (StartsWith(bytes, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            return StartsWith(bytes, "IHDR"u8, 12) && bytes.Length >= 24
                ? new("image/png", Dimension(BinaryPrimitives.ReadUInt32BigEndian(bytes[16..])), Dimension(BinaryPrimitives.ReadUInt32BigEndian(bytes[20..])))
                : new("image/png");
        if (StartsWith(bytes, "GIF87a"u8) || StartsWith(bytes, "GIF89a"u8))
            return bytes.Length >= 10
                ? new("image/gif", BinaryPrimitives.ReadUInt16LittleEndian(bytes[6..]), BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]))
                : new("image/gif");
        if (StartsWith(bytes, [0xFF, 0xD8, 0xFF])) return ImageHeaders.Jpeg(file);
        if (StartsWith(bytes, "RIFF"u8) && StartsWith(bytes, "WEBP"u8, 8)) return ImageHeaders.WebP(bytes);
        if (StartsWith(bytes, "BM"u8) && bytes.Length >= 26)
            return new("image/bmp", Dimension((uint)BinaryPrimitives.ReadInt32LittleEndian(bytes[18..])),
                Dimension((uint)Math.Abs((long)BinaryPrimitives.ReadInt32LittleEndian(bytes[22..]))));
        if (StartsWith(bytes, "II*\0"u8) || StartsWith(bytes, "MM\0*"u8)) return new("image/tiff");
        return Brand(bytes) switch
        {
            "avif" or "avis" => new("image/avif"),
            "heic" or "heix" or "heim" or "heis" or "hevc" or "mif1" or "msf1" => new("image/heic"),
            _ => null,
        };
    }

    private static int? Dimension(uint value) => value is > 0 and <= int.MaxValue ? (int)value : null;

    private static string? Audio(ReadOnlySpan<byte> bytes)
    {
        if (StartsWith(bytes, "ID3"u8)) return "audio/mpeg";
        if (bytes.Length >= 2 && bytes[0] == 0xFF && (bytes[1] & 0xE0) == 0xE0)
        {
            var layer = (bytes[1] >> 1) & 0x3;
            if (layer != 0) return "audio/mpeg";
            if ((bytes[1] & 0xF6) == 0xF0) return "audio/aac";
        }
        if (StartsWith(bytes, "fLaC"u8)) return "audio/flac";
        if (StartsWith(bytes, "RIFF"u8) && StartsWith(bytes, "WAVE"u8, 8)) return "audio/wav";
        if (StartsWith(bytes, "#!AMR"u8)) return "audio/amr";
        if (StartsWith(bytes, "MThd"u8)) return "audio/midi";
        if (StartsWith(bytes, "OggS"u8)) return bytes.IndexOf("theora"u8) >= 0 ? "video/ogg" : "audio/ogg";
        return Brand(bytes) is "M4A " or "M4B " or "M4P " ? "audio/mp4" : null;
    }

    private static string? Video(ReadOnlySpan<byte> bytes)
    {
        if (StartsWith(bytes, [0x1A, 0x45, 0xDF, 0xA3])) return bytes.IndexOf("webm"u8) >= 0 ? "video/webm" : "video/x-matroska";
        if (StartsWith(bytes, "RIFF"u8) && StartsWith(bytes, "AVI "u8, 8)) return "video/x-msvideo";
        return Brand(bytes) switch
        {
            null => null,
            "qt  " => "video/quicktime",
            var brand when brand.StartsWith("3g", StringComparison.Ordinal) => "video/3gpp",
            _ => "video/mp4",
        };
    }

    private static string? Document(ReadOnlySpan<byte> bytes, Stream file, string? fileName)
    {
        if (StartsWith(bytes, "%PDF-"u8)) return "application/pdf";
        if (StartsWith(bytes, "{\\rtf"u8)) return "application/rtf";
        if (StartsWith(bytes, "PK\u0003\u0004"u8)) return Zip(file);
        if (StartsWith(bytes, [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]))
        {
            return Path.GetExtension(fileName)?.ToLowerInvariant() switch
            {
                ".doc" => "application/msword",
                ".xls" => "application/vnd.ms-excel",
                ".ppt" => "application/vnd.ms-powerpoint",
                _ => "application/x-ole-storage",
            };
        }
        if (StartsWith(bytes, "MZ"u8)) return "application/x-msdownload";
        if (StartsWith(bytes, [0x7F, 0x45, 0x4C, 0x46])) return "application/x-executable";
        if (StartsWith(bytes, [0xFE, 0xED, 0xFA, 0xCE]) || StartsWith(bytes, [0xFE, 0xED, 0xFA, 0xCF])
            || StartsWith(bytes, [0xCE, 0xFA, 0xED, 0xFE]) || StartsWith(bytes, [0xCF, 0xFA, 0xED, 0xFE]) || StartsWith(bytes, [0xCA, 0xFE, 0xBA, 0xBE]))
            return "application/x-mach-binary";
        if (StartsWith(bytes, "\0asm"u8)) return "application/wasm";
        if (StartsWith(bytes, "#!"u8)) return "text/x-shellscript";
        if (StartsWith(bytes, [0x1F, 0x8B])) return "application/gzip";
        if (StartsWith(bytes, [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C])) return "application/x-7z-compressed";
        if (StartsWith(bytes, "Rar!"u8)) return "application/vnd.rar";
        if (StartsWith(bytes, [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00])) return "application/x-xz";
        if (StartsWith(bytes, "BZh"u8)) return "application/x-bzip2";
        return null;
    }

    /// <summary>A ZIP is an office document when its entries say so; only the central directory is read.</summary>
    private static string Zip(Stream file)
    {
        if (ZipEntryCount(file) is not (> 0 and <= MaxZipEntries)) return "application/zip";
        try
        {
            file.Position = 0;
            using var zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
            var names = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
            if (zip.GetEntry("mimetype") is { Length: > 0 and < 128 } declared)
            {
                using var reader = new StreamReader(declared.Open(), Encoding.ASCII);
                var mime = reader.ReadToEnd().Trim();
                if (mime.StartsWith("application/vnd.oasis.opendocument.", StringComparison.Ordinal) && mime.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '/' or '-'))
                    return mime;
            }
            if (names.Contains("[Content_Types].xml"))
            {
                if (names.Any(n => n.StartsWith("word/", StringComparison.Ordinal))) return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
                if (names.Any(n => n.StartsWith("xl/", StringComparison.Ordinal))) return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
                if (names.Any(n => n.StartsWith("ppt/", StringComparison.Ordinal))) return "application/vnd.openxmlformats-officedocument.presentationml.presentation";
            }
            if (names.Contains("AndroidManifest.xml")) return "application/vnd.android.package-archive";
            if (names.Contains("META-INF/MANIFEST.MF")) return "application/java-archive";
            return "application/zip";
        }
        catch (Exception error) when (error is InvalidDataException or IOException or NotSupportedException or ArgumentException)
        {
            return "application/zip";
        }
    }

    /// <summary>The entry count the end-of-central-directory record declares (0 when there is none, or for ZIP64).</summary>
    private static int ZipEntryCount(Stream file)
    {
        const int recordLength = 22;
        var tailLength = (int)Math.Min(file.Length, recordLength + ushort.MaxValue);
        var tail = new byte[tailLength];
        file.Position = file.Length - tailLength;
        file.ReadExactly(tail);
        var at = tail.AsSpan().LastIndexOf("PK\u0005\u0006"u8);
        if (at < 0 || at + recordLength > tailLength) return 0;
        var entries = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(at + 10));
        return entries == ushort.MaxValue ? 0 : entries;
    }

    /// <summary>UTF-8 text without control characters; markup a browser would run is told apart from plain text.</summary>
    private static string? Text(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0) return null;
        var body = StartsWith(bytes, [0xEF, 0xBB, 0xBF]) ? bytes[3..] : bytes;
        // The head may end inside a multi-byte character.
        var complete = body.Length == HeadLength - 3 || body.Length == HeadLength ? TrimPartialCharacter(body) : body;
        if (!System.Text.Unicode.Utf8.IsValid(complete)) return null;
        foreach (var b in complete)
            if (b < 0x20 && b is not (byte)'\t' and not (byte)'\n' and not (byte)'\r' and not 0x0C) return null;

        var text = Encoding.UTF8.GetString(complete).TrimStart().ToLowerInvariant();
        // Markup of any kind is never plain text: a browser that guessed would run it.
        if (text.StartsWith('<'))
        {
            if (text.Contains("<svg", StringComparison.Ordinal)) return "image/svg+xml";
            return text.StartsWith("<?xml", StringComparison.Ordinal) && !text.Contains("<html", StringComparison.Ordinal) ? "application/xml" : "text/html";
        }
        if (text.StartsWith("%!ps", StringComparison.Ordinal)) return "application/postscript";
        return "text/plain";
    }

    private static ReadOnlySpan<byte> TrimPartialCharacter(ReadOnlySpan<byte> bytes)
    {
        var end = bytes.Length;
        var back = 0;
        while (end > 0 && back < 3 && (bytes[end - 1] & 0xC0) == 0x80)
        {
            end--;
            back++;
        }
        return end > 0 && bytes[end - 1] >= 0xC0 ? bytes[..(end - 1)] : bytes;
    }
}
