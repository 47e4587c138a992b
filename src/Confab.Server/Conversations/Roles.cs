namespace Confab.Server.Conversations;

/// <summary>Member roles, their rank and their default permissions (spec section 5, Members).</summary>
public static class Roles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Moderator = "moderator";
    public const string Member = "member";
    public const string Guest = "guest";

    public static readonly IReadOnlyDictionary<string, string> All =
        new[] { Owner, Admin, Moderator, Member, Guest }.ToDictionary(r => r, r => r, StringComparer.Ordinal);

    public static int Rank(string role) => role switch
    {
        Owner => 4,
        Admin => 3,
        Moderator => 2,
        Member => 1,
        _ => 0,
    };

    public static IReadOnlyList<string> DefaultPermissions(string role) => role switch
    {
        Owner or Admin => Permissions.All,
        Moderator => [Permissions.SendMessages, Permissions.SendMedia, Permissions.PinMessages, Permissions.ManageMessages, Permissions.ManageMembers, Permissions.InviteMembers],
        Member => [Permissions.SendMessages, Permissions.SendMedia],
        _ => [Permissions.SendMessages],
    };
}

public static class Permissions
{
    public const string SendMessages = "send_messages";
    public const string SendMedia = "send_media";
    public const string PinMessages = "pin_messages";
    public const string ManageMessages = "manage_messages";
    public const string ManageMembers = "manage_members";
    public const string ManageRoles = "manage_roles";
    public const string ManageConversation = "manage_conversation";
    public const string InviteMembers = "invite_members";

    public static readonly IReadOnlyList<string> All =
        [SendMessages, SendMedia, PinMessages, ManageMessages, ManageMembers, ManageRoles, ManageConversation, InviteMembers];
}

public static class ConversationTypes
{
    public const string Direct = "direct";
    public const string Group = "group";
    public const string Channel = "channel";
    public const string Bot = "bot";

    public static readonly IReadOnlyDictionary<string, string> All =
        new[] { Direct, Group, Channel, Bot }.ToDictionary(t => t, t => t, StringComparer.Ordinal);
}
