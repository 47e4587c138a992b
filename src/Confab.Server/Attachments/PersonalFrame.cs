using System.Text.Encodings.Web;
using System.Text.Json;

namespace Confab.Server.Attachments;

/// <summary>
/// A JSON frame whose attachment tokens were found and checked once; <see cref="For"/> writes it out with fresh
/// URLs for one receiver. Receivers that share a user and a base URL (several devices) share the result.
/// </summary>
public sealed class PersonalFrame(byte[] frame, IReadOnlyList<PersonalFrame.Slot> slots, Func<string, bool, string?, string, string> url)
{
    /// <summary>Where a token sits in the frame (its quotes included) and what it stands for.</summary>
    public sealed record Slot(int Start, int Length, string AttachmentId, bool Thumbnail);

    private readonly Dictionary<(string? UserId, string BaseUrl), byte[]> made = [];

    public byte[] For(string? userId, string baseUrl)
    {
        lock (made)
        {
            if (made.TryGetValue((userId, baseUrl), out var done)) return done;
        }
        var output = new MemoryStream(frame.Length + slots.Count * 256);
        var at = 0;
        foreach (var slot in slots)
        {
            output.Write(frame, at, slot.Start - at);
            output.WriteByte((byte)'"');
            output.Write(JsonEncodedText.Encode(url(slot.AttachmentId, slot.Thumbnail, userId, baseUrl), JavaScriptEncoder.UnsafeRelaxedJsonEscaping).EncodedUtf8Bytes);
            output.WriteByte((byte)'"');
            at = slot.Start + slot.Length;
        }
        output.Write(frame, at, frame.Length - at);
        var result = output.ToArray();
        lock (made) made[(userId, baseUrl)] = result;
        return result;
    }
}
