using System.Buffers.Binary;

namespace Confab.Server.Realtime;

/// <summary>Server-to-client WebSocket text frames (RFC 6455 §5.2): whole messages, unmasked, as the server sends them.</summary>
public static class TextFrames
{
    /// <summary>The most a frame's header takes: the opcode byte, the length byte and a 64-bit length.</summary>
    public const int MaxHeaderBytes = 10;

    private const byte FinalText = 0x81;

    /// <summary>Writes <paramref name="payload"/> as one final text frame at the start of <paramref name="destination"/>; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, ReadOnlySpan<byte> payload)
    {
        destination[0] = FinalText;
        int header;
        if (payload.Length < 126)
        {
            destination[1] = (byte)payload.Length;
            header = 2;
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            destination[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payload.Length);
            header = 4;
        }
        else
        {
            destination[1] = 127;
            BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payload.Length);
            header = 10;
        }
        payload.CopyTo(destination[header..]);
        return header + payload.Length;
    }
}
