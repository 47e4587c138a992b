namespace Confab.Server.Messages;

public static class MessageKinds
{
    public const string Text = "text";
    public const string Media = "media";
    public const string Voice = "voice";
    public const string System = "system";

    /// <summary>The kinds a user may send; <c>system</c> is for the tenant backend only.</summary>
    public static readonly IReadOnlyDictionary<string, string> UserSendable =
        new[] { Text, Media, Voice }.ToDictionary(k => k, k => k, StringComparer.Ordinal);

    public static readonly IReadOnlyDictionary<string, string> All =
        new[] { Text, Media, Voice, System }.ToDictionary(k => k, k => k, StringComparer.Ordinal);
}
