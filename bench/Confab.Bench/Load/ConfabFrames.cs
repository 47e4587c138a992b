using System.Globalization;
using System.Text;

namespace Confab.Bench.Load;

/// <summary>
/// The request frames the bench sends (docs/socket.md), written as text: IDs are the bench's own and the
/// tenant's (URL-safe), so nothing needs escaping.
/// </summary>
public static class ConfabFrames
{
    public static byte[] Resume(long since, string? requestId = null) => Frame(
        requestId is null
            ? $$$"""{"type":"resume","payload":{"since":{{{since}}}}}"""
            : $$$"""{"type":"resume","requestId":"{{{requestId}}}","payload":{"since":{{{since}}}}}""");

    public static byte[] MessageSend(string requestId, string conversationId, string text) =>
        Frame($$$"""{"type":"message.send","requestId":"{{{requestId}}}","payload":{"conversationId":"{{{conversationId}}}","text":"{{{text}}}"}}""");

    public static byte[] Typing(string conversationId) =>
        Frame($$$"""{"type":"typing","payload":{"conversationId":"{{{conversationId}}}","isTyping":true}}""");

    /// <summary>Marks a message read; no requestId, so success costs no ack.</summary>
    public static byte[] MarkRead(string conversationId, string messageId) =>
        Frame($$$"""{"type":"message.read","payload":{"conversationId":"{{{conversationId}}}","messageIds":["{{{messageId}}}"]}}""");

    /// <summary>What the ceiling relays: a frame shaped like Confab's, so the same receivers read it.</summary>
    public static byte[] CeilingMessage(string text) =>
        Frame($$$"""{"type":"message.created","payload":{"text":"{{{text}}}"}}""");

    private static byte[] Frame(string text) => Encoding.UTF8.GetBytes(text);

    public static string RequestId(long number) => number.ToString(CultureInfo.InvariantCulture);
}
