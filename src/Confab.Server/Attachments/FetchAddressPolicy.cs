using System.Net;
using System.Net.Sockets;

namespace Confab.Server.Attachments;

/// <summary>
/// Which addresses the server may fetch from on a client's behalf (avatar URLs): public unicast only, never
/// loopback, private, link-local, shared, documentation, multicast or reserved ranges, including IPv4 hidden in
/// IPv6 (mapped, NAT64, 6to4); local-use NAT64 is refused whole.
/// </summary>
public class FetchAddressPolicy
{
    public virtual bool IsAllowed(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        var b = address.GetAddressBytes();
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPublicV4(b),
            AddressFamily.InterNetworkV6 => IsPublicV6(address, b),
            _ => false,
        };
    }

    private static bool IsPublicV4(byte[] b) => !(
        b[0] is 0 or 10 or 127 or >= 224
        || b[0] == 100 && (b[1] & 0xC0) == 64
        || b[0] == 169 && b[1] == 254
        || b[0] == 172 && (b[1] & 0xF0) == 16
        || b[0] == 192 && b[1] == 168
        || b[0] == 192 && b[1] == 0 && b[2] is 0 or 2
        || b[0] == 198 && (b[1] & 0xFE) == 18
        || b[0] == 198 && b[1] == 51 && b[2] == 100
        || b[0] == 203 && b[1] == 0 && b[2] == 113);

    private static bool IsPublicV6(IPAddress address, byte[] b)
    {
        if (address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal || address.IsIPv6Teredo) return false;
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0) return false;
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B)
            return b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0 && IsPublicV4(b[12..16]);
        if (b[0] == 0x20 && b[1] == 0x02) return IsPublicV4(b[2..6]);
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) return false;
        return true;
    }
}
