using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Confab.Server.Messages;

/// <summary>
/// What a reaction may be: one emoji (a symbol, with the joiners, variation selectors, skin tones, keycaps
/// and tags that build the composite ones), or a <c>:shortcode:</c> for a tenant's custom emoji.
/// </summary>
public static partial class Emoji
{
    public const int MaxLength = 32;

    [GeneratedRegex("^:[a-z0-9_+-]{1,30}:\\z")]
    private static partial Regex Shortcode();

    public static bool IsValid(string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength) return false;
        if (Shortcode().IsMatch(value)) return true;
        var symbols = 0;
        foreach (var rune in value.EnumerateRunes())
        {
            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.OtherSymbol or UnicodeCategory.MathSymbol) symbols++;
            else if (!IsEmojiPart(rune, category)) return false;
        }
        return symbols > 0;
    }

    private static bool IsEmojiPart(Rune rune, UnicodeCategory category) =>
        rune.Value is 0x200D or 0xFE0F or 0x20E3 or '#' or '*' || (rune.Value >= '0' && rune.Value <= '9')
        || (rune.Value >= 0x1F3FB && rune.Value <= 0x1F3FF)
        || (rune.Value >= 0xE0020 && rune.Value <= 0xE007F)
        || category is UnicodeCategory.ModifierSymbol or UnicodeCategory.EnclosingMark;
}
