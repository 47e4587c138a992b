using System.Text.Json;
using Confab.Contracts;
using Confab.Server.Events;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Identity;
using Confab.Server.Storage;
using Confab.Server.Users;

namespace Confab.Server.Conversations;

/// <summary>
/// Members and their roles. The rules, from stored state only: owner, admin and moderator manage
/// members; owner and admin change roles; nobody but the owner acts on the owner; a manager acts
/// only on members ranked below it; direct conversations have no member management.
/// </summary>
public sealed class MemberService(
    Database database, ConversationStore conversations, MemberStore members, UserStore users,
    ConversationGuard guard, ConversationViews views, ConversationService conversationService, EventLog events, TimeProvider clock)
{
    public const int MaxAddedAtOnce = 500;

    public async Task<Page<Member>> ListAsync(UserCaller caller, string conversationId, string? cursor, int limit)
    {
        var after = Cursor.DecodePosition("members:" + conversationId, cursor);
        return await database.ReadAsync(async db =>
        {
            await guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId);
            var rows = await members.ListAsync(db, caller.TenantId, conversationId, after, limit + 1);
            var page = Paging.From(rows, limit, r => r,
                r => Cursor.EncodePosition("members:" + conversationId, r.JoinedAt, r.UserId));
            return new Page<Member>(await views.BuildMembersAsync(db, caller.TenantId, page.Items), page.NextCursor);
        });
    }

    public async Task<IReadOnlyList<Member>> AddAsync(UserCaller caller, string conversationId, AddMembersRequest request)
    {
        var userIds = Check.UserIds(request.UserIds, "userIds", MaxAddedAtOnce);
        if (userIds.Count == 0) throw ApiException.Invalid("userIds must name at least one user.");

        return await database.WriteAsync(async db =>
        {
            var existing = await users.ExistingAsync(db, caller.TenantId, userIds);
            var access = await guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId);
            access.RequireNotDirect("take new members");
            var joiningSelf = userIds.Count == 1 && userIds[0] == caller.UserId;
            if (!joiningSelf) access.Require(Permissions.InviteMembers);

            var missing = userIds.Except(existing).ToList();
            if (missing.Count > 0) throw ApiException.BadRequest(ErrorCodes.UserNotFound, $"No such users: {string.Join(", ", missing.Take(10))}.");

            var now = Time.Now(clock);
            var already = await members.MembersAmongAsync(db, caller.TenantId, conversationId, userIds);
            var added = new List<MemberRow>();
            foreach (var userId in userIds.Where(id => !already.Contains(id)))
            {
                if (await members.BannedUntilAsync(db, caller.TenantId, conversationId, userId, now) is { } until)
                    throw ApiException.Forbidden(ErrorCodes.UserBanned, $"{userId} is banned from this conversation until {Time.FromMillis(until):O}.");
                var member = new MemberRow { TenantId = caller.TenantId, ConversationId = conversationId, UserId = userId, Role = Roles.Member, JoinedAt = now };
                await members.InsertAsync(db, member);
                var position = await events.ToConversationAsync(db, caller.TenantId, conversationId, EventTypes.MemberAdded,
                    new { conversationId, member = await views.BuildMemberAsync(db, caller.TenantId, member) });
                await members.OpenPeriodAsync(db, member, position);
                added.Add(member);
            }

            if (added.Count > 0)
            {
                access.Conversation.MemberCount += added.Count;
                await conversationService.SaveSharedAsync(db, access.Conversation, now);
            }
            return await views.BuildMembersAsync(db, caller.TenantId, added);
        });
    }

    public async Task<Member> UpdateAsync(UserCaller caller, string conversationId, string userId, UpdateMemberRequest request)
    {
        Check.UserId(userId, "userId");
        if (request.IsEmpty) throw ApiException.Invalid("Send at least one of role, permissions, mutedUntil, bannedUntil, title.");
        var role = request.Has(nameof(request.Role)) ? Check.OneOf(request.Role, "role", Roles.All) : null;
        var permissions = request.Has(nameof(request.Permissions)) ? ValidPermissions(request.Permissions) : null;
        var title = request.Has(nameof(request.Title)) ? Check.OptionalText(request.Title, "title", 100) : null;

        return await database.WriteAsync(async db =>
        {
            var access = await guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId);
            access.RequireNotDirect("have their members managed");
            var actor = access.RequireMember();
            var now = Time.Now(clock);
            var target = await members.FindAsync(db, caller.TenantId, conversationId, userId);

            if (target is null)
            {
                if (request.Has(nameof(request.BannedUntil)) && !request.Has(nameof(request.Role)) && !request.Has(nameof(request.Permissions))
                    && !request.Has(nameof(request.MutedUntil)) && !request.Has(nameof(request.Title)))
                    return await BanNonMemberAsync(db, access, actor, userId, request.BannedUntil, now);
                throw ApiException.NotFound(ErrorCodes.MemberNotFound, "This user is not a member of the conversation.");
            }

            RequireMayActOn(actor, target);
            if (request.Has(nameof(request.Role)) || request.Has(nameof(request.Permissions)))
                await ChangeRoleAsync(db, access, actor, target, role, permissions, request.Has(nameof(request.Permissions)), now);
            if (request.Has(nameof(request.MutedUntil)) || request.Has(nameof(request.Title)) || request.Has(nameof(request.BannedUntil)))
                RequireManager(actor);
            if (request.Has(nameof(request.MutedUntil))) target.MutedUntil = request.MutedUntil is null ? null : Time.ToMillis(request.MutedUntil.Value);
            if (request.Has(nameof(request.Title))) target.Title = title;
            await members.UpdateAsync(db, target);

            if (request.BannedUntil is { } bannedUntil && Time.ToMillis(bannedUntil) > now)
            {
                await members.BanAsync(db, caller.TenantId, conversationId, userId, Time.ToMillis(bannedUntil));
                var banned = await views.BuildMemberAsync(db, caller.TenantId, target, Time.ToMillis(bannedUntil));
                await RemoveAsync(db, access.Conversation, target);
                return banned;
            }
            var member = await views.BuildMemberAsync(db, caller.TenantId, target);
            events.ToConversation(db, caller.TenantId, conversationId, EventTypes.MemberUpdated, new { conversationId, member });
            return member;
        });
    }

    /// <summary>Removes a member; with one's own ID, leaves.</summary>
    public Task RemoveAsync(UserCaller caller, string conversationId, string userId) => database.WriteAsync(async db =>
    {
        var access = await guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId);
        var actor = access.RequireMember();
        if (userId == caller.UserId)
        {
            access.RequireNotDirect("be left; archive them instead");
            await RemoveAsync(db, access.Conversation, actor);
            return;
        }
        access.RequireNotDirect("have their members managed");
        var target = await members.FindAsync(db, caller.TenantId, conversationId, userId)
            ?? throw ApiException.NotFound(ErrorCodes.MemberNotFound, "This user is not a member of the conversation.");
        RequireMayActOn(actor, target);
        RequireManager(actor);
        await RemoveAsync(db, access.Conversation, target);
    });

    /// <summary>Takes the user out of every conversation (the user is being deleted).</summary>
    public async Task RemoveEverywhereAsync(WriteSession db, string tenantId, string userId)
    {
        // Every conversation is locked (in ID order) before the first event is appended: a send locks its conversation
        // and then the tenant's event position, so taking a conversation after an append would deadlock against it.
        // Where writes run side by side (PostgreSQL), one that committed after the list was read may have deleted a
        // conversation or taken the user out of it; once locked, what is found stays as it is.
        var locked = new List<ConversationRow>();
        foreach (var conversationId in await members.ConversationIdsOfUserAsync(db, tenantId, userId))
        {
            if (await conversations.FindAsync(db, tenantId, conversationId) is { } conversation) locked.Add(conversation);
        }
        foreach (var conversation in locked)
        {
            if (await members.FindAsync(db, tenantId, conversation.Id, userId) is { } member) await RemoveAsync(db, conversation, member);
        }
    }

    /// <summary>
    /// Removes one member: tells everyone (the removed member included), hands ownership on when the
    /// owner goes, and deletes the conversation when its last member goes.
    /// </summary>
    private async Task RemoveAsync(WriteSession db, ConversationRow conversation, MemberRow member)
    {
        var position = await events.ToConversationAsync(db, conversation.TenantId, conversation.Id, EventTypes.MemberRemoved,
            new { conversationId = conversation.Id, userId = member.UserId });
        await members.DeleteAsync(db, conversation.TenantId, conversation.Id, member.UserId, position);

        var now = Time.Now(clock);
        conversation.MemberCount--;
        if (conversation.MemberCount <= 0)
        {
            await conversationService.DeleteForEveryoneAsync(db, conversation);
            return;
        }
        if (member.Role == Roles.Owner && await members.SuccessorAsync(db, conversation.TenantId, conversation.Id) is { } successor)
        {
            successor.Role = Roles.Owner;
            successor.Permissions = null;
            await members.UpdateAsync(db, successor);
            conversation.OwnerId = successor.UserId;
            events.ToConversation(db, conversation.TenantId, conversation.Id, EventTypes.MemberUpdated,
                new { conversationId = conversation.Id, member = await views.BuildMemberAsync(db, conversation.TenantId, successor) });
        }
        await conversationService.SaveSharedAsync(db, conversation, now);
    }

    private async Task ChangeRoleAsync(WriteSession db, ConversationAccess access, MemberRow actor, MemberRow target,
        string? role, IReadOnlyList<string>? permissions, bool permissionsSent, long now)
    {
        if (Roles.Rank(actor.Role) < Roles.Rank(Roles.Admin) || !actor.Can(Permissions.ManageRoles))
            throw ApiException.Forbidden(ErrorCodes.MissingPermission, "Only the owner and admins change roles and permissions.");
        if (target.UserId == actor.UserId) throw ApiException.Forbidden(ErrorCodes.RankTooLow, "You cannot change your own role; transfer ownership instead.");

        if (role == Roles.Owner)
        {
            if (actor.Role != Roles.Owner) throw ApiException.Forbidden(ErrorCodes.OwnerOnly, "Only the owner can hand on ownership.");
            if (permissions is not null) throw ApiException.Invalid("The owner always has every permission; send role owner without permissions.");
            actor.Role = Roles.Admin;
            actor.Permissions = null;
            await members.UpdateAsync(db, actor);
            access.Conversation.OwnerId = target.UserId;
            events.ToConversation(db, actor.TenantId, actor.ConversationId, EventTypes.MemberUpdated,
                new { conversationId = actor.ConversationId, member = await views.BuildMemberAsync(db, actor.TenantId, actor) });
            await conversationService.SaveSharedAsync(db, access.Conversation, now);
        }
        if (role is not null) target.Role = role;
        if (role == Roles.Owner) target.Permissions = null;
        if (permissionsSent) target.Permissions = permissions is null ? null : JsonSerializer.Serialize(permissions);
    }

    private async Task<Member> BanNonMemberAsync(WriteSession db, ConversationAccess access, MemberRow actor, string userId, DateTimeOffset? bannedUntil, long now)
    {
        RequireManager(actor);
        _ = await users.FindAsync(db, actor.TenantId, userId) ?? throw ApiException.NotFound(ErrorCodes.UserNotFound, "No such user.");
        var until = bannedUntil is null ? now : Time.ToMillis(bannedUntil.Value);
        await members.BanAsync(db, actor.TenantId, access.Conversation.Id, userId, until);
        var ghost = new MemberRow { TenantId = actor.TenantId, ConversationId = access.Conversation.Id, UserId = userId, Role = Roles.Member, JoinedAt = now };
        return await views.BuildMemberAsync(db, actor.TenantId, ghost, until > now ? until : null);
    }

    private static void RequireMayActOn(MemberRow actor, MemberRow target)
    {
        if (actor.UserId == target.UserId && actor.Role == Roles.Owner) return;
        if (target.Role == Roles.Owner) throw ApiException.Forbidden(ErrorCodes.OwnerOnly, "Nobody but the owner acts on the owner.");
        if (actor.Role != Roles.Owner && Roles.Rank(actor.Role) <= Roles.Rank(target.Role))
            throw ApiException.Forbidden(ErrorCodes.RankTooLow, "You can only act on members ranked below you.");
    }

    private static void RequireManager(MemberRow actor)
    {
        if (Roles.Rank(actor.Role) < Roles.Rank(Roles.Moderator) || !actor.Can(Permissions.ManageMembers))
            throw ApiException.Forbidden(ErrorCodes.MissingPermission, "Only the owner, admins and moderators manage members.");
    }

    private static List<string>? ValidPermissions(IReadOnlyList<string?>? values)
    {
        if (values is null) return null;
        foreach (var value in values)
        {
            if (value is null || !Permissions.All.Contains(value))
                throw ApiException.Invalid($"permissions may only list: {string.Join(", ", Permissions.All)}.");
        }
        return values.Distinct().Select(v => v!).ToList();
    }
}
