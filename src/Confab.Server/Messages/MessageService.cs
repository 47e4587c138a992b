using System.Globalization;
using System.Text.Json;
using Confab.Contracts;
using Confab.Server.Attachments;
using Confab.Server.Conversations;
using Confab.Server.Events;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Identity;
using Confab.Server.Moderation;
using Confab.Server.Storage;
using Confab.Server.Tenants;
using Confab.Server.Users;

namespace Confab.Server.Messages;

/// <summary>Who posts a message: a member under every rule, or the tenant backend (as the system or as a user) without membership checks.</summary>
public sealed record Poster(string TenantId, string? UserId, bool ByBackend);

/// <summary>History, sending, editing, deleting and forwarding, with their rules and windows.</summary>
public sealed class MessageService(
    Database database, MessageStore messages, ConversationStore conversations, MemberStore members, UserStore users,
    TenantService tenants, ConversationGuard guard, MessageViews views, ReactionStore reactions, PinStore pins, SearchStore search,
    AttachmentService attachments, AttachmentStore attachmentStore, RateLimiter limiter, EventLog events, TimeProvider clock)
{
    public async Task<Page<Message>> ListAsync(UserCaller caller, string conversationId, MessageQuery query)
    {
        var list = "messages:" + conversationId;
        return await database.ReadAsync(async db =>
        {
            // The access check, the message the page is anchored at (if any) and the page itself are read together; a page
            // around an anchor is read after, as its two halves depend on each other. A cursor (ignored after afterId) that
            // is not valid here is refused once the access check passed.
            var (cursor, badCursor) = query.AfterId is null ? DecodeCursor(list, query.Cursor) : (null, null);
            var ascending = query.AfterId is not null || cursor?.Direction == "asc";
            var around = !ascending && query.AroundId is not null;
            var anchorId = ascending ? query.AfterId : query.AroundId ?? query.BeforeId;
            var limit = query.Limit;
            var checks = db.Batch();
            var accessRead = guard.LoadAsync(checks, caller.TenantId, conversationId, caller.UserId);
            var anchorRead = anchorId is null ? null : FindVisibleAsync(checks, caller, conversationId, anchorId);
            Task<IReadOnlyList<MessageRow>>? pageRead = null;
            if (badCursor is null && !around)
            {
                var bound = anchorId is not null ? SeqBound.Of(anchorId) : SeqBound.At(cursor?.Seq ?? long.MaxValue);
                pageRead = ascending
                    ? messages.NewerAsync(checks, caller.TenantId, conversationId, caller.UserId, bound, limit + 1)
                    : messages.OlderAsync(checks, caller.TenantId, conversationId, caller.UserId, bound, limit + 1);
            }
            await checks.RunAsync();
            await accessRead;
            if (badCursor is not null) throw badCursor;
            var anchor = anchorRead is null ? null : await anchorRead;
            IReadOnlyList<MessageRow> rows;
            string? next = null;

            if (pageRead is null)
            {
                var newer = await messages.NewerAsync(db, caller.TenantId, conversationId, caller.UserId, SeqBound.At(anchor!.Seq), limit / 2);
                var older = await messages.OlderAsync(db, caller.TenantId, conversationId, caller.UserId, SeqBound.At(anchor.Seq + 1), limit - newer.Count + 1);
                if (older.Count > limit - newer.Count) next = Cursor.Encode(list, "desc", older[limit - newer.Count - 1].Seq.ToString(CultureInfo.InvariantCulture));
                rows = newer.Reverse().Concat(older.Take(limit - newer.Count)).ToList();
            }
            else
            {
                rows = await pageRead;
                if (rows.Count > limit) next = Cursor.Encode(list, ascending ? "asc" : "desc", rows[limit - 1].Seq.ToString(CultureInfo.InvariantCulture));
                rows = rows.Take(limit).ToList();
            }
            return new Page<Message>(await views.BuildAsync(db, caller.TenantId, caller.UserId, rows), next);
        });
    }

    /// <summary>A page cursor's direction and seq, or the error that refuses it.</summary>
    private static ((string Direction, long Seq)? Cursor, ApiException? Error) DecodeCursor(string list, string? cursor)
    {
        if (cursor is null) return (null, null);
        try
        {
            var parts = Cursor.Decode(list, cursor, 2);
            return ((parts[0], Cursor.DecodeNumber(parts[1])), null);
        }
        catch (ApiException error)
        {
            return (null, error);
        }
    }

    /// <summary>Sends a message; a repeated <c>clientMessageId</c> from the same sender returns the original (Created = false).</summary>
    public Task<(Message Message, bool Created)> SendAsync(Poster poster, string conversationId, SendMessageRequest request) =>
        database.WriteAsync(async db =>
        {
            // The tenant's settings, the conversation (locked, as in any write), the sender's membership and the sender
            // (for the message's view) are read together, one round trip on PostgreSQL; what they say is checked in the
            // same order as ever. A request that then fails validation has taken the conversation's lock too, for a
            // moment, and rolls back.
            var reads = db.Batch();
            var settingsRead = tenants.SettingsAsync(reads, poster.TenantId);
            var conversationRead = guard.FindAsync(reads, poster.TenantId, conversationId);
            var memberRead = poster.UserId is null ? null : members.FindAsync(reads, poster.TenantId, conversationId, poster.UserId);
            var senderRead = poster.UserId is null ? null : users.FindManyAsync(reads, poster.TenantId, [poster.UserId]);
            await reads.RunAsync();
            var settings = await settingsRead;
            var draft = Validate(poster, request, settings);
            var conversation = await conversationRead;
            var member = memberRead is null ? null : await memberRead;
            var sender = senderRead is null ? [] : await senderRead;

            // A retry gets the original even if the rules changed since (muted, removed, read-only): it was accepted then.
            if (draft.ClientMessageId is not null
                && await messages.FindByClientIdAsync(db, poster.TenantId, conversationId, poster.UserId, draft.ClientMessageId) is { } original)
                return (await views.BuildOneAsync(db, poster.TenantId, poster.UserId, original), false);

            if (!poster.ByBackend)
            {
                RequireMayPost(member, conversation, withMedia: draft.AttachmentIds.Count > 0);
                limiter.Take(db, poster.TenantId, poster.UserId!, RateLimiter.Messages,
                    settings.RateLimits.MessagesPerMinutePerUser, settings.RateLimits.MessagesPerMinutePerTenant);
            }
            else if (poster.UserId is not null && sender.GetValueOrDefault(poster.UserId) is not { DeletedAt: null })
                throw ApiException.BadRequest(ErrorCodes.UserNotFound, "senderId names no user of this tenant.");

            if (draft.ReplyToId is not null && (!Check.IsGeneratedId(draft.ReplyToId) || await messages.FindAsync(db, poster.TenantId, conversationId, draft.ReplyToId) is null))
                throw ApiException.BadRequest(ErrorCodes.InvalidReply, "replyToId names no message of this conversation.");
            var notMembers = draft.Mentions.Except(await members.MembersAmongAsync(db, poster.TenantId, conversationId, draft.Mentions)).ToList();
            if (notMembers.Count > 0)
                throw ApiException.BadRequest(ErrorCodes.InvalidMention, $"Mentioned users are not members: {string.Join(", ", notMembers.Take(10))}.");
            var held = await attachments.RequireSendableAsync(db, poster.TenantId, poster.UserId, poster.ByBackend, draft.AttachmentIds);
            var kind = KindFor(draft, request.Kind, held);

            var (row, view) = await StoreAsync(db, conversation, new MessageRow
            {
                TenantId = poster.TenantId, Id = Ids.New(clock), ConversationId = conversationId, SenderId = poster.UserId,
                Kind = kind, Text = draft.Text, ReplyToId = draft.ReplyToId,
                Mentions = draft.Mentions.Count == 0 ? null : JsonSerializer.Serialize(draft.Mentions),
                Metadata = draft.Metadata, ClientMessageId = draft.ClientMessageId, CreatedAt = Time.Now(clock),
            }, draft.AttachmentIds, sender);
            var own = await views.ForSenderAsync(db, poster.TenantId, poster.UserId, view,
                otherMembers: conversation.MemberCount - (member is null ? 0 : 1));
            Announce(db, row, view);
            NotifyMentioned(db, row, view.Sender);
            return (own, true);
        });

    public Task<Message> EditAsync(UserCaller caller, string conversationId, string messageId, EditMessageRequest request) =>
        database.WriteAsync(async db =>
        {
            var settings = await tenants.SettingsAsync(db, caller.TenantId);
            var text = Check.Required(request.Text, "text", settings.MaxMessageLength);
            var access = await guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId);
            access.RequireMember();
            var row = await FindVisibleAsync(db, caller, conversationId, messageId);
            if (row.SenderId != caller.UserId || row.Kind == MessageKinds.System)
                throw ApiException.Forbidden(ErrorCodes.NotMessageSender, "You can only edit your own messages.");
            if (row.DeletedAt is not null) throw ApiException.Conflict(ErrorCodes.MessageDeleted, "This message was deleted.");
            var now = Time.Now(clock);
            if (settings.EditWindowSeconds > 0 && now - row.CreatedAt > settings.EditWindowSeconds * 1000L)
                throw ApiException.Forbidden(ErrorCodes.EditWindowPassed, $"Messages can only be edited within {settings.EditWindowSeconds} seconds of sending.");

            row.Text = text;
            row.UpdatedAt = now;
            row.EditedAt = now;
            await messages.UpdateTextAsync(db, row);
            search.Index(db, caller.TenantId, row.Id, row.Text);
            events.ToConversation(db, caller.TenantId, conversationId, EventTypes.MessageUpdated, await views.BuildOneAsync(db, caller.TenantId, null, row));
            return await views.BuildOneAsync(db, caller.TenantId, caller.UserId, row);
        });

    /// <summary>Deletes for everyone: one's own message within the delete window, or any message with <c>manage_messages</c>.</summary>
    public Task DeleteAsync(UserCaller caller, string conversationId, string messageId) =>
        database.WriteAsync(async db =>
        {
            var settings = await tenants.SettingsAsync(db, caller.TenantId);
            var access = await guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId);
            var member = access.RequireMember();
            var row = await FindVisibleAsync(db, caller, conversationId, messageId);
            if (row.DeletedAt is not null) return;
            var now = Time.Now(clock);
            if (!member.Can(Conversations.Permissions.ManageMessages))
            {
                if (row.SenderId != caller.UserId)
                    throw ApiException.Forbidden(ErrorCodes.NotMessageSender, "You can only delete your own messages.");
                if (settings.DeleteWindowSeconds > 0 && now - row.CreatedAt > settings.DeleteWindowSeconds * 1000L)
                    throw ApiException.Forbidden(ErrorCodes.DeleteWindowPassed, $"Messages can only be deleted within {settings.DeleteWindowSeconds} seconds of sending.");
            }
            await TombstoneAsync(db, row, now);
        });

    /// <summary>Hides a message for the caller only; always allowed for a message the caller can see.</summary>
    public Task HideAsync(UserCaller caller, string conversationId, string messageId) => database.WriteAsync(async db =>
    {
        await guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId);
        if (!Check.IsGeneratedId(messageId) || await messages.FindAsync(db, caller.TenantId, conversationId, messageId) is null)
            throw MessageNotFound();
        if (await messages.IsHiddenAsync(db, caller.TenantId, caller.UserId, messageId)) return;
        await messages.HideAsync(db, caller.TenantId, caller.UserId, conversationId, messageId);
        events.ToUser(db, caller.TenantId, caller.UserId, EventTypes.MessageDeleted, new { conversationId, messageId });
    });

    public Task<Message> ForwardAsync(UserCaller caller, string conversationId, string messageId, ForwardMessageRequest request) =>
        database.WriteAsync(async db =>
        {
            var targetId = request.TargetConversationId ?? throw ApiException.Invalid("targetConversationId is required.");
            var comment = Check.OptionalText(request.Comment, "comment", (await tenants.SettingsAsync(db, caller.TenantId)).MaxMessageLength);
            await guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId);
            var source = await FindVisibleAsync(db, caller, conversationId, messageId);
            if (source.DeletedAt is not null) throw ApiException.Conflict(ErrorCodes.MessageDeleted, "A deleted message cannot be forwarded.");
            if (source.Kind == MessageKinds.System) throw ApiException.BadRequest(ErrorCodes.ValidationFailed, "System messages cannot be forwarded.");

            var target = await guard.FindAsync(db, caller.TenantId, targetId);
            var poster = new Poster(caller.TenantId, caller.UserId, false);
            var carried = await attachmentStore.IdsOfMessageAsync(db, caller.TenantId, source.Id);
            await RequireMayPostAsync(db, poster, target, withMedia: carried.Count > 0);
            var now = Time.Now(clock);
            var commented = comment is null ? ((MessageRow Row, Message View)?)null : await StoreAsync(db, target, new MessageRow
            {
                TenantId = caller.TenantId, Id = Ids.New(clock), ConversationId = targetId, SenderId = caller.UserId,
                Kind = MessageKinds.Text, Text = comment, CreatedAt = now,
            }, [], knownPeople: null);
            var (forwardedRow, forwarded) = await StoreAsync(db, target, new MessageRow
            {
                TenantId = caller.TenantId, Id = Ids.New(clock), ConversationId = targetId, SenderId = caller.UserId,
                Kind = source.Kind, Text = source.Text, Metadata = source.Metadata, CreatedAt = now,
                ForwardedFromUserId = source.ForwardedFromUserId ?? source.SenderId,
                ForwardedFromConversationId = source.ForwardedFromConversationId ?? source.ConversationId,
                ForwardedFromMessageId = source.ForwardedFromMessageId ?? source.Id,
            }, carried, knownPeople: null);
            // The caller may post in the target, so is one of its members.
            var own = await views.ForSenderAsync(db, caller.TenantId, caller.UserId, forwarded, otherMembers: target.MemberCount - 1);
            if (commented is { } first) Announce(db, first.Row, first.View);
            Announce(db, forwardedRow, forwarded);
            return own;
        });

    /// <summary>A moderator's take-down: tombstones the message (if it is not one already) whatever its sender or age.</summary>
    public async Task TakeDownAsync(WriteSession db, string tenantId, string conversationId, string messageId)
    {
        if (await messages.FindAsync(db, tenantId, conversationId, messageId) is { DeletedAt: null } row)
            await TombstoneAsync(db, row, Time.Now(clock));
    }

    /// <summary>Tombstones every live message of a user who is being deleted with <c>messages=delete</c>.</summary>
    public async Task TombstoneAllBySenderAsync(WriteSession db, string tenantId, string senderId)
    {
        var now = Time.Now(clock);
        foreach (var row in await messages.LiveBySenderAsync(db, tenantId, senderId))
            await TombstoneAsync(db, row, now);
    }

    private async Task TombstoneAsync(WriteSession db, MessageRow row, long now)
    {
        await messages.TombstoneAsync(db, row.TenantId, row.Id, now);
        await reactions.DeleteForMessageAsync(db, row.TenantId, row.Id);
        search.Remove(db, row.TenantId, row.Id);
        await pins.DeleteForMessageAsync(db, row.TenantId, row.Id);
        await attachmentStore.ReleaseMessageAsync(db, row.TenantId, row.Id);
        events.ToConversation(db, row.TenantId, row.ConversationId, EventTypes.MessageDeleted,
            new { conversationId = row.ConversationId, messageId = row.Id });
    }

    public const int NotificationPreviewLength = 140;

    /// <summary>
    /// Each member the message mentions (but its sender) gets a <c>notification</c> on all its devices; <paramref name="actor"/>
    /// is the sender as the message's view shows them.
    /// </summary>
    private void NotifyMentioned(WriteSession db, MessageRow row, User? actor)
    {
        var mentioned = row.MentionList.Where(id => id != row.SenderId).ToList();
        if (mentioned.Count == 0) return;
        var body = row.Text is { Length: > NotificationPreviewLength } text ? text[..NotificationPreviewLength] + "…" : row.Text;
        foreach (var userId in mentioned)
        {
            events.ToUser(db, row.TenantId, userId, EventTypes.Notification, new
            {
                id = Ids.New(clock), kind = "mention", title = $"{actor?.Name ?? "Someone"} mentioned you", body,
                conversationId = row.ConversationId, messageId = row.Id, actor, read = false, createdAt = Time.FromMillis(row.CreatedAt),
            });
        }
    }

    /// <summary>
    /// Stores a message with its attachments in a conversation this write read, and so locked: its seq is the row's last
    /// one plus one. What nothing in the write reads back (the message itself, the conversation's newest seq, the search
    /// entry, unarchiving) is written when the write closes, with the commit (the search entry last of all): one round
    /// trip on PostgreSQL. The attachment links are written at once, since the view reads them. Returns the row and the
    /// shared view its announcement carries (see <see cref="Announce"/>).
    /// </summary>
    private async Task<(MessageRow Row, Message View)> StoreAsync(
        WriteSession db, ConversationRow conversation, MessageRow row, IReadOnlyList<string> attachmentIds, IReadOnlyDictionary<string, UserRow>? knownPeople)
    {
        row.Seq = ++conversation.LastSeq;
        db.AtClose(close => conversations.SetLastSeqAsync(close, row.TenantId, conversation.Id, row.Seq, row.CreatedAt));
        db.AtClose(close => messages.InsertAsync(close, row));
        search.Add(db, row.TenantId, row.Id, row.Text);
        db.AtClose(close => members.UnarchiveAllAsync(close, row.TenantId, conversation.Id));
        await attachmentStore.LinkAsync(db, row.TenantId, conversation.Id, row.Id, attachmentIds);
        var view = await views.BuildAppendedAsync(db, row.TenantId, row, withAttachments: attachmentIds.Count > 0, knownPeople);
        return (row, view);
    }

    /// <summary>Announces a stored message to its conversation when the write closes.</summary>
    private void Announce(WriteSession db, MessageRow row, Message view) =>
        events.ToConversation(db, row.TenantId, row.ConversationId, EventTypes.MessageCreated, view);

    private async Task RequireMayPostAsync(DbSession db, Poster poster, ConversationRow conversation, bool withMedia) =>
        RequireMayPost(await members.FindAsync(db, poster.TenantId, conversation.Id, poster.UserId!), conversation, withMedia);

    /// <summary>Whether a user whose membership is <paramref name="member"/> may post here (throws if not).</summary>
    private void RequireMayPost(MemberRow? member, ConversationRow conversation, bool withMedia)
    {
        if (member is null)
        {
            if (!conversation.IsPublic) throw ConversationGuard.NotFound();
            throw ApiException.Forbidden(ErrorCodes.NotAMember, "Join this channel before posting in it.");
        }
        if (!member.Can(Conversations.Permissions.SendMessages))
            throw ApiException.Forbidden(ErrorCodes.MissingPermission, "Your role here lacks the send_messages permission.");
        if (withMedia && !member.Can(Conversations.Permissions.SendMedia))
            throw ApiException.Forbidden(ErrorCodes.MissingPermission, "Your role here lacks the send_media permission.");
        if (conversation.ReadOnly && !member.Can(Conversations.Permissions.ManageMessages))
            throw ApiException.Forbidden(ErrorCodes.ReadOnly, "This conversation is read-only.");
        if (member.IsMutedAt(Time.Now(clock)))
            throw ApiException.Forbidden(ErrorCodes.MemberMuted, $"You are muted here until {Time.FromMillis(member.MutedUntil!.Value):O}.");
    }

    /// <summary>A message of the conversation that the caller has not hidden for themself.</summary>
    public async Task<MessageRow> FindVisibleAsync(DbSession db, UserCaller caller, string conversationId, string messageId)
    {
        if (Check.IsGeneratedId(messageId) && await messages.FindVisibleAsync(db, caller.TenantId, conversationId, messageId, caller.UserId) is { } row)
            return row;
        throw MessageNotFound();
    }

    private static ApiException MessageNotFound() => ApiException.NotFound(ErrorCodes.MessageNotFound, "No such message in this conversation.");

    private sealed record Draft(
        string Kind, string? Text, string? ReplyToId, IReadOnlyList<string> Mentions, IReadOnlyList<string> AttachmentIds, string? Metadata, string? ClientMessageId);

    private static Draft Validate(Poster poster, SendMessageRequest request, TenantSettings settings)
    {
        var kinds = poster.ByBackend ? MessageKinds.All : MessageKinds.UserSendable;
        var attachmentIds = AttachmentIds(request.Attachments);
        var kind = request.Kind is not null ? Check.OneOf(request.Kind, "kind", kinds)
            : poster.UserId is null ? MessageKinds.System
            : attachmentIds.Count > 0 ? MessageKinds.Media
            : MessageKinds.Text;
        if (poster.UserId is null && kind != MessageKinds.System)
            throw ApiException.Invalid("Without senderId, the message is a system message.");
        var text = Check.Length(string.IsNullOrWhiteSpace(request.Text) ? null : request.Text, "text", settings.MaxMessageLength);
        if (kind is MessageKinds.Media or MessageKinds.Voice && attachmentIds.Count == 0) throw ApiException.Invalid($"A {kind} message needs attachments.");
        if (text is null && attachmentIds.Count == 0) throw ApiException.Invalid("text is required.");
        var mentions = Check.UserIds(request.Mentions, "mentions", MessageLimits.MaxMentions);
        return new Draft(kind, text, string.IsNullOrEmpty(request.ReplyToId) ? null : request.ReplyToId, mentions, attachmentIds,
            Check.Metadata(request.Metadata), MessageLimits.ClientMessageId(request.ClientMessageId));
    }

    private static List<string> AttachmentIds(IReadOnlyList<AttachmentRef?>? references)
    {
        if (references is null) return [];
        if (references.Count > MessageLimits.MaxAttachments) throw ApiException.Invalid($"A message carries at most {MessageLimits.MaxAttachments} attachments.");
        var ids = new List<string>(references.Count);
        foreach (var reference in references)
        {
            if (reference is null) throw ApiException.Invalid("attachments must list attachment IDs.");
            if (!Check.IsGeneratedId(reference.Id)) throw ApiException.BadRequest(ErrorCodes.AttachmentNotFound, $"No uploaded attachment {reference.Id}.");
            if (ids.Contains(reference.Id, StringComparer.Ordinal)) throw ApiException.Invalid("attachments names the same attachment twice.");
            ids.Add(reference.Id);
        }
        return ids;
    }

    /// <summary>A message of voice attachments only is a voice message unless the sender said otherwise; a voice message carries only audio.</summary>
    private static string KindFor(Draft draft, string? requested, IReadOnlyList<AttachmentRow> held)
    {
        if (requested is null && held.Count > 0 && held.All(a => a.Type == MediaTypes.Voice)) return MessageKinds.Voice;
        if (draft.Kind == MessageKinds.Voice && held.Any(a => a.Type is not (MediaTypes.Voice or MediaTypes.Audio)))
            throw ApiException.Invalid("A voice message carries audio attachments only.");
        return draft.Kind;
    }
}
