using Confab.Contracts;
using Confab.Server.Conversations;
using Confab.Server.Events;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Identity;
using Confab.Server.Messages;
using Confab.Server.Storage;

namespace Confab.Server.Receipts;

public sealed record ReceiptRequest(IReadOnlyList<string?>? MessageIds, string? UpToMessageId);

/// <summary>
/// Delivered and read marks. Pointers only move forward: marking message N marks everything up to N.
/// Each move is announced to the members (<c>message.receipt</c>) and, for reads, to the reader's
/// own devices (<c>unread.updated</c>).
/// </summary>
public sealed class ReceiptService(
    Database database, ReceiptStore receipts, MessageStore messages, ConversationStore conversations,
    ConversationGuard guard, EventLog events, TimeProvider clock)
{
    public const int MaxMessageIds = 500;
    public const int ReadStateMemberLimit = 500;
    public const int MessageIdsPerReceiptEvent = 100;

    public async Task<ReceiptResult> MarkAsync(UserCaller caller, string conversationId, string status, ReceiptRequest? request)
    {
        var ids = request?.MessageIds is null ? [] : request.MessageIds.Select(id => id ?? throw ApiException.Invalid("messageIds may not hold null.")).Distinct().ToList();
        if (ids.Count > MaxMessageIds) throw ApiException.Invalid($"messageIds may hold at most {MaxMessageIds} IDs.");
        if (request?.UpToMessageId is not null) ids.Add(request.UpToMessageId);

        return await database.WriteAsync(async db =>
        {
            var access = await guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId);
            var member = access.RequireMember();
            var target = access.Conversation.LastSeq;
            string? targetId = null;
            if (ids.Count > 0)
            {
                var found = await messages.FindManyAsync(db, caller.TenantId, ids.Where(Check.IsGeneratedId));
                if (ids.Any(id => !found.TryGetValue(id, out var m) || m.ConversationId != conversationId))
                    throw ApiException.NotFound(ErrorCodes.MessageNotFound, "messageIds names a message that is not in this conversation.");
                var newest = found.Values.MaxBy(m => m.Seq)!;
                (target, targetId) = (newest.Seq, newest.Id);
            }

            var current = status == ReceiptStatus.Read ? member.LastReadSeq : member.LastDeliveredSeq;
            long? unread = null;
            if (target > current)
            {
                var now = Time.Now(clock);
                if (status == ReceiptStatus.Read) await receipts.MoveReadAsync(db, caller.TenantId, conversationId, caller.UserId, target, now);
                else await receipts.MoveDeliveredAsync(db, caller.TenantId, conversationId, caller.UserId, target, now);
                await receipts.RecordMoveAsync(db, caller.TenantId, conversationId, caller.UserId, status, target, now);

                var coveredIds = await messages.OthersIdsInRangeAsync(db, caller.TenantId, conversationId, caller.UserId, current, target, MessageIdsPerReceiptEvent);
                events.ToConversation(db, caller.TenantId, conversationId, EventTypes.MessageReceipt,
                    new ReceiptEvent(conversationId, coveredIds, caller.UserId, status, Time.FromMillis(now)));
                if (status == ReceiptStatus.Read) unread = await AnnounceUnreadAsync(db, caller, conversationId);
            }

            unread ??= (await conversations.UnreadCountsAsync(db, caller.TenantId, conversationId, caller.UserId)).UnreadCount;
            var upToId = targetId is not null && target >= current
                ? targetId
                : await messages.IdAtSeqAsync(db, caller.TenantId, conversationId, Math.Max(target, current));
            return new ReceiptResult(conversationId, caller.UserId, status, upToId, unread.Value);
        });
    }

    public Task<ReadState> GetReadStateAsync(UserCaller caller, string conversationId) => database.ReadAsync(async db =>
    {
        await guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId);
        var states = await receipts.ReadStatesAsync(db, caller.TenantId, conversationId, ReadStateMemberLimit);
        var views = states.Select(s => new MemberReadStateView(s.UserId, s.LastReadMessageId, Time.FromMillis(s.LastReadAt), s.LastDeliveredMessageId)).ToList();
        var mine = views.FirstOrDefault(v => v.UserId == caller.UserId);
        return new ReadState(mine?.LastReadMessageId, mine?.LastReadAt, views);
    });

    public Task<UnreadSummary> GetUnreadAsync(UserCaller caller) => database.ReadAsync(async db =>
    {
        var rows = await receipts.UnreadAsync(db, caller.TenantId, caller.UserId);
        return new UnreadSummary(rows.Sum(r => r.UnreadCount), rows.Select(r => new ConversationUnread(r.ConversationId, r.UnreadCount)).ToList());
    });

    /// <summary>Tells the user's devices its unread counts after a read; returns the conversation's.</summary>
    private async Task<long> AnnounceUnreadAsync(WriteSession db, UserCaller caller, string conversationId)
    {
        var all = await receipts.UnreadAsync(db, caller.TenantId, caller.UserId);
        var here = all.FirstOrDefault(r => r.ConversationId == conversationId)?.UnreadCount ?? 0;
        events.ToUser(db, caller.TenantId, caller.UserId, EventTypes.UnreadUpdated,
            new { conversationId, unreadCount = here, totalUnread = all.Sum(r => r.UnreadCount) });
        return here;
    }
}
