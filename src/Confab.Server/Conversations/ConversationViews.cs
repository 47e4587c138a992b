using Confab.Contracts;
using Confab.Server.Hosting;
using Confab.Server.Messages;
using Confab.Server.Realtime;
using Confab.Server.Storage;
using Confab.Server.Users;

namespace Confab.Server.Conversations;

/// <summary>Turns conversation and member rows into Conversation and Member objects, loading what a page needs in batches.</summary>
public sealed class ConversationViews(
    MemberStore members, UserStore users, MessageStore messages, MessageViews messageViews, PresenceService presence, TimeProvider clock)
{
    public const int ParticipantLimit = 20;
    public const int DetailMemberLimit = 100;

    /// <summary>Conversations as <paramref name="viewerId"/> sees them (its member row, may be null for a public channel), or neutral when null.</summary>
    public async Task<IReadOnlyList<Conversation>> BuildAsync(
        DbSession db, string tenantId, string? viewerId, IReadOnlyList<(ConversationRow Row, MemberRow? Viewer, UnreadCounts Unread)> items)
    {
        if (items.Count == 0) return [];
        var ids = items.Select(i => i.Row.Id).ToList();
        // The first members, the admins and the last messages do not depend on one another: one round trip on PostgreSQL.
        var reads = db.Batch();
        var firstMembersRead = members.FirstMembersAsync(reads, tenantId, ids, ParticipantLimit);
        var adminsRead = members.AdminsAsync(reads, tenantId, ids);
        var lastRowsRead = viewerId is null ? Task.FromResult<IReadOnlyList<MessageRow>>([]) : messages.LastVisibleAsync(reads, tenantId, ids, viewerId);
        await reads.RunAsync();
        var firstMembers = (await firstMembersRead).ToLookup(m => m.ConversationId, StringComparer.Ordinal);
        var admins = (await adminsRead).ToLookup(a => a.ConversationId, a => a.UserId, StringComparer.Ordinal);
        var people = await users.FindManyAsync(db, tenantId, firstMembers.SelectMany(m => m).Select(m => m.UserId));
        var lastMessages = (await messageViews.BuildAsync(db, tenantId, viewerId, await lastRowsRead)).ToDictionary(m => m.ConversationId, StringComparer.Ordinal);

        return items.Select(item => Shape(
            item.Row,
            viewerId is null ? null : item.Viewer,
            viewerId is null ? null : item.Unread,
            firstMembers[item.Row.Id].Where(m => people.ContainsKey(m.UserId)).Select(m => presence.Apply(tenantId, people[m.UserId].ToPublic(), viewerId)).ToList(),
            admins[item.Row.Id].ToList(),
            lastMessages.GetValueOrDefault(item.Row.Id),
            viewerId is not null)).ToList();
    }

    public async Task<Conversation> BuildOneAsync(DbSession db, string tenantId, string? viewerId, ConversationRow row, MemberRow? viewer, UnreadCounts unread) =>
        (await BuildAsync(db, tenantId, viewerId, [(row, viewer, unread)]))[0];

    /// <summary>The detail view: the conversation with its first members.</summary>
    public async Task<Conversation> BuildDetailAsync(DbSession db, string tenantId, string viewerId, ConversationRow row, MemberRow? viewer, UnreadCounts unread)
    {
        var conversation = await BuildOneAsync(db, tenantId, viewerId, row, viewer, unread);
        var memberRows = await members.ListAsync(db, tenantId, row.Id, null, DetailMemberLimit);
        return conversation with { Members = await BuildMembersAsync(db, tenantId, memberRows) };
    }

    public async Task<IReadOnlyList<Member>> BuildMembersAsync(DbSession db, string tenantId, IReadOnlyList<MemberRow> rows, long? bannedUntil = null)
    {
        var people = await users.FindManyAsync(db, tenantId, rows.Select(r => r.UserId));
        return rows.Where(r => people.ContainsKey(r.UserId)).Select(r => new Member(
            presence.Apply(tenantId, people[r.UserId].ToPublic(), null), r.Role, r.EffectivePermissions, Time.FromMillis(r.JoinedAt),
            Time.FromMillis(r.MutedUntil), Time.FromMillis(bannedUntil), r.Title)).ToList();
    }

    public async Task<Member> BuildMemberAsync(DbSession db, string tenantId, MemberRow row, long? bannedUntil = null) =>
        (await BuildMembersAsync(db, tenantId, [row], bannedUntil))[0];

    private Conversation Shape(ConversationRow row, MemberRow? viewer, UnreadCounts? unread, IReadOnlyList<User> participants,
        IReadOnlyList<string> adminIds, Message? lastMessage, bool personal) => new(
        row.Id, row.Type, row.Title, row.Description, row.AvatarUrl, participants, row.MemberCount, row.OwnerId, adminIds,
        row.PublicUsername, lastMessage, unread?.UnreadCount, unread?.UnreadMentionCount, row.ReadOnly, UserRow.ParseJson(row.Metadata),
        personal ? viewer?.NotificationsMutedAt(clock.GetUtcNow()) ?? false : null,
        personal && viewer?.NotificationsMutedAt(clock.GetUtcNow()) == true ? Time.FromMillis(viewer.NotificationsMutedUntil) : null,
        personal ? viewer?.Pinned ?? false : null,
        personal ? viewer?.Archived ?? false : null,
        viewer?.Role,
        Time.FromMillis(row.CreatedAt), Time.FromMillis(row.UpdatedAt), null);
}
