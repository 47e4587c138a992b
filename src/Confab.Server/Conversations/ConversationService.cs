using System.Globalization;
using System.Text.RegularExpressions;
using Confab.Contracts;
using Confab.Server.Attachments;
using Confab.Server.Events;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Identity;
using Confab.Server.Messages;
using Confab.Server.Storage;
using Confab.Server.Users;

namespace Confab.Server.Conversations;

/// <summary>Creating, reading, listing, changing and deleting conversations, with their rules.</summary>
public sealed partial class ConversationService(
    Database database, ConversationStore conversations, MemberStore members, UserStore users,
    ConversationGuard guard, ConversationViews views, AvatarService avatars, AttachmentStore attachments, SearchStore search, EventLog events, TimeProvider clock)
{
    public const int MaxParticipantsOnCreate = 500;

    [GeneratedRegex("^[A-Za-z0-9_]{3,64}\\z")]
    private static partial Regex PublicUsernamePattern();

    public async Task<(Conversation Conversation, bool Created)> CreateAsync(UserCaller caller, CreateConversationRequest request)
    {
        var type = Check.OneOf(request.Type, "type", ConversationTypes.All);
        var others = Check.UserIds(request.ParticipantIds, "participantIds", MaxParticipantsOnCreate).Where(id => id != caller.UserId).ToList();
        var title = Check.OptionalText(request.Title, "title", 200);
        var description = Check.OptionalText(request.Description, "description", 2000);
        var avatarUrl = Check.HttpUrl(request.AvatarUrl, "avatarUrl");
        var metadata = Check.Metadata(request.Metadata);
        var publicUsername = string.IsNullOrEmpty(request.PublicUsername) ? null : request.PublicUsername;
        if (publicUsername is not null)
        {
            if (type != ConversationTypes.Channel) throw ApiException.Invalid("publicUsername is only for channels.");
            if (!PublicUsernamePattern().IsMatch(publicUsername)) throw ApiException.Invalid("publicUsername must be 3 to 64 characters of A-Z a-z 0-9 _.");
        }
        if (type == ConversationTypes.Direct && others.Count != 1)
            throw ApiException.Invalid("A direct conversation needs exactly one other participant.");
        if (type == ConversationTypes.Direct && request.ReadOnly == true)
            throw ApiException.Invalid("A direct conversation cannot be read-only.");

        return await database.WriteAsync(async db =>
        {
            // The creator is read (and held) with the others: a deletion of the creator may have begun since the session was checked.
            var live = await users.ExistingAsync(db, caller.TenantId, [caller.UserId, .. others]);
            if (!live.Contains(caller.UserId)) throw ApiException.Unauthorized("The calling user has been deleted.");
            var missing = others.Except(live).ToList();
            if (missing.Count > 0) throw ApiException.BadRequest(ErrorCodes.UserNotFound, $"No such users: {string.Join(", ", missing.Take(10))}.");

            var now = Time.Now(clock);
            string? directKey = null;
            if (type == ConversationTypes.Direct)
            {
                directKey = string.Join(' ', new[] { caller.UserId, others[0] }.Order(StringComparer.Ordinal));
                if (await conversations.FindDirectAsync(db, caller.TenantId, directKey) is { } existing)
                    return (await ReturnExistingDirectAsync(db, caller, existing), false);
            }
            if (publicUsername is not null && await conversations.PublicUsernameTakenAsync(db, caller.TenantId, publicUsername))
                throw ApiException.Conflict(ErrorCodes.PublicUsernameTaken, "Another conversation has this publicUsername.");

            var row = new ConversationRow
            {
                TenantId = caller.TenantId, Id = Ids.New(clock), Type = type, Title = title, Description = description, AvatarUrl = avatarUrl,
                PublicUsername = publicUsername, ReadOnly = request.ReadOnly ?? false, Metadata = metadata,
                OwnerId = type == ConversationTypes.Direct ? null : caller.UserId, DirectKey = directKey,
                MemberCount = others.Count + 1, ActivityAt = now, CreatedAt = now, UpdatedAt = now,
            };
            await conversations.InsertAsync(db, row);
            var creatorRole = type == ConversationTypes.Direct ? Roles.Member : Roles.Owner;
            var memberRows = others.Select(id => NewMember(row, id, Roles.Member, now)).Prepend(NewMember(row, caller.UserId, creatorRole, now)).ToList();
            foreach (var member in memberRows) await members.InsertAsync(db, member);

            var position = await events.ToConversationAsync(db, caller.TenantId, row.Id, EventTypes.ConversationCreated,
                await views.BuildOneAsync(db, caller.TenantId, null, row, null, UnreadCounts.None));
            foreach (var member in memberRows) await members.OpenPeriodAsync(db, member, position);

            return (await views.BuildDetailAsync(db, caller.TenantId, caller.UserId, row, memberRows[0], UnreadCounts.None), true);
        });
    }

    public Task<Conversation> GetAsync(UserCaller caller, string conversationId) => database.ReadAsync(async db =>
    {
        var access = await guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId);
        return await views.BuildDetailAsync(db, caller.TenantId, caller.UserId, access.Conversation, access.Member, await UnreadAsync(db, caller, access));
    });

    public async Task<Page<Conversation>> ListAsync(UserCaller caller, ConversationFilter filter, string? cursor, int limit)
    {
        var after = Cursor.DecodePosition(ListName(caller, filter), cursor);
        if (filter.Type is not null) Check.OneOf(filter.Type, "type", ConversationTypes.All);
        if (filter.Role is not null) Check.OneOf(filter.Role, "role", Roles.All);

        return await database.ReadAsync(async db =>
        {
            var rows = await conversations.ListForUserAsync(db, caller.TenantId, caller.UserId, filter with { Now = Time.Now(clock) }, after, limit + 1);
            var page = Paging.From(rows, limit, r => r,
                r => Cursor.EncodePosition(ListName(caller, filter), r.Conversation.ActivityAt, r.Conversation.Id));
            var shown = await views.BuildAsync(db, caller.TenantId, caller.UserId,
                page.Items.Select(r => (r.Conversation, (MemberRow?)r.Member, r.Unread)).ToList());
            return new Page<Conversation>(shown, page.NextCursor);
        });
    }

    public async Task<Conversation> UpdateAsync(UserCaller caller, string conversationId, UpdateConversationRequest request)
    {
        var title = request.Has(nameof(request.Title)) ? Check.OptionalText(request.Title, "title", 200) : null;
        var description = request.Has(nameof(request.Description)) ? Check.OptionalText(request.Description, "description", 2000) : null;
        var metadata = request.Has(nameof(request.Metadata)) ? Check.Metadata(request.Metadata) : null;

        return await database.WriteAsync(async db =>
        {
            var access = await guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId);
            var member = access.RequireMember();
            var row = access.Conversation;
            var now = Time.Now(clock);

            if (request.ChangesShared)
            {
                access.RequireNotDirect("have their details changed");
                access.Require(Permissions.ManageConversation);
                if (request.Has(nameof(request.Title))) row.Title = title;
                if (request.Has(nameof(request.Description))) row.Description = description;
                if (request.Has(nameof(request.ReadOnly))) row.ReadOnly = request.ReadOnly ?? false;
                if (request.Has(nameof(request.Metadata))) row.Metadata = metadata;
                await SaveSharedAsync(db, row, now);
            }

            var unread = await UnreadAsync(db, caller, access);
            if (request.ChangesOwn)
            {
                ApplyOwnSettings(member, request);
                await members.UpdateAsync(db, member);
                events.ToUser(db, caller.TenantId, caller.UserId, EventTypes.ConversationUpdated,
                    await views.BuildOneAsync(db, caller.TenantId, caller.UserId, row, member, unread));
            }

            return await views.BuildDetailAsync(db, caller.TenantId, caller.UserId, row, member, unread);
        });
    }

    /// <summary>Sets the avatar: an image the caller uploaded (linked under <paramref name="baseUrl"/>), or any http(s) URL.</summary>
    public async Task<Conversation> UpdateAvatarAsync(UserCaller caller, string conversationId, UpdateAvatarRequest request, string baseUrl)
    {
        if (request.Attachment is not null && request.AvatarUrl is not null) throw ApiException.Invalid("Send attachment or avatarUrl, not both.");
        var avatarUrl = Check.HttpUrl(request.AvatarUrl, "avatarUrl");

        return await database.WriteAsync(async db =>
        {
            var access = await guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId);
            access.RequireNotDirect("have their details changed");
            var member = access.Require(Permissions.ManageConversation);
            access.Conversation.AvatarUrl = await avatars.ChangeAsync(
                db, caller.TenantId, AvatarOwners.Conversation(conversationId), caller.UserId, request.Attachment, avatarUrl, baseUrl);
            await SaveSharedAsync(db, access.Conversation, Time.Now(clock));
            return await views.BuildDetailAsync(db, caller.TenantId, caller.UserId, access.Conversation, member, await UnreadAsync(db, caller, access));
        });
    }

    /// <summary>The owner of a group or channel deletes it for everyone; anyone else archives it for themselves.</summary>
    public Task DeleteAsync(UserCaller caller, string conversationId) => database.WriteAsync(async db =>
    {
        var access = await guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId);
        var member = access.RequireMember();
        if (!access.Conversation.IsDirect && member.Role == Roles.Owner)
        {
            await DeleteForEveryoneAsync(db, access.Conversation);
            return;
        }
        member.Archived = true;
        await members.UpdateAsync(db, member);
        events.ToUser(db, caller.TenantId, caller.UserId, EventTypes.ConversationUpdated,
            await views.BuildOneAsync(db, caller.TenantId, caller.UserId, access.Conversation, member, await UnreadAsync(db, caller, access)));
    });

    public async Task DeleteForEveryoneAsync(WriteSession db, ConversationRow row)
    {
        var position = await events.ToConversationAsync(db, row.TenantId, row.Id, EventTypes.ConversationDeleted, new { conversationId = row.Id });
        await members.CloseAllPeriodsAsync(db, row.TenantId, row.Id, position);
        await attachments.ReleaseConversationAsync(db, row.TenantId, row.Id);
        await search.RemoveConversationAsync(db, row.TenantId, row.Id);
        await avatars.ClearAsync(db, row.TenantId, AvatarOwners.Conversation(row.Id));
        await conversations.DeleteAsync(db, row.TenantId, row.Id);
    }

    /// <summary>Saves the shared fields and tells every member.</summary>
    public async Task SaveSharedAsync(WriteSession db, ConversationRow row, long now)
    {
        row.UpdatedAt = now;
        await conversations.UpdateSharedAsync(db, row);
        events.ToConversation(db, row.TenantId, row.Id, EventTypes.ConversationUpdated,
            await views.BuildOneAsync(db, row.TenantId, null, row, null, UnreadCounts.None));
    }

    private async Task<Conversation> ReturnExistingDirectAsync(WriteSession db, UserCaller caller, ConversationRow existing)
    {
        var member = await members.FindAsync(db, caller.TenantId, existing.Id, caller.UserId)
            ?? throw ApiException.Conflict(ErrorCodes.DirectConversation, "You are no longer part of the direct conversation with this user.");
        var unread = await UnreadAsync(db, caller, new ConversationAccess(existing, member));
        if (member.Archived)
        {
            member.Archived = false;
            await members.UpdateAsync(db, member);
            events.ToUser(db, caller.TenantId, caller.UserId, EventTypes.ConversationUpdated,
                await views.BuildOneAsync(db, caller.TenantId, caller.UserId, existing, member, unread));
        }
        return await views.BuildDetailAsync(db, caller.TenantId, caller.UserId, existing, member, unread);
    }

    private void ApplyOwnSettings(MemberRow member, UpdateConversationRequest request)
    {
        if (request.Has(nameof(request.Pinned))) member.Pinned = request.Pinned ?? false;
        if (request.Has(nameof(request.Archived))) member.Archived = request.Archived ?? false;
        if (request.Has(nameof(request.Muted)))
        {
            member.NotificationsMuted = request.Muted ?? false;
            if (!member.NotificationsMuted) member.NotificationsMutedUntil = null;
        }
        if (request.Has(nameof(request.MutedUntil)))
        {
            if (request.MutedUntil is { } until && until <= clock.GetUtcNow())
                throw ApiException.Invalid("mutedUntil must be in the future.");
            member.NotificationsMutedUntil = request.MutedUntil is null ? null : Time.ToMillis(request.MutedUntil.Value);
            if (request.MutedUntil is not null) member.NotificationsMuted = request.Muted ?? true;
        }
    }

    private async Task<UnreadCounts> UnreadAsync(DbSession db, UserCaller caller, ConversationAccess access) =>
        access.Member is null ? UnreadCounts.None : await conversations.UnreadCountsAsync(db, caller.TenantId, access.Conversation.Id, caller.UserId);

    /// <summary>A cursor belongs to one user's list with one set of filters.</summary>
    private static string ListName(UserCaller caller, ConversationFilter filter) =>
        $"conversations:{caller.UserId}:{filter.Type}:{filter.Pinned}:{filter.Muted}:{filter.Archived}:{filter.HasUnread}:{filter.Query}:{filter.Role}";

    private static MemberRow NewMember(ConversationRow conversation, string userId, string role, long now) => new()
    {
        TenantId = conversation.TenantId, ConversationId = conversation.Id, UserId = userId, Role = role, JoinedAt = now,
    };
}
