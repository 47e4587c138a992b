using Confab.Contracts;
using Confab.Server.Attachments;
using Confab.Server.Hosting;
using Confab.Server.Receipts;
using Confab.Server.Storage;
using Confab.Server.Users;

namespace Confab.Server.Messages;

/// <summary>
/// Turns message rows into Message objects: senders, one level of reply, and, on the viewer's own
/// messages, status and per-member receipts. With no viewer (event payloads) the result is the
/// same for everyone.
/// </summary>
public sealed class MessageViews(
    UserStore users, MessageStore messages, ReceiptStore receipts, ReactionStore reactions, PinStore pins, AttachmentViews attachments)
{
    /// <summary>Above this many members, own messages carry only their status, not one receipt per member.</summary>
    public const int ReceiptDetailMemberLimit = 100;

    /// <summary>How many of the users who reacted with one emoji a message lists.</summary>
    public const int ReactionUsersShown = 10;

    public async Task<Message> BuildOneAsync(DbSession db, string tenantId, string? viewerId, MessageRow row) =>
        (await BuildAsync(db, tenantId, viewerId, [row]))[0];

    /// <summary>
    /// The shared view of a message appended in this transaction: it has no reactions or pins yet, and attachments
    /// only if it was given some, so nothing else is read for it; nor are the people the caller already read (its sender).
    /// </summary>
    public async Task<Message> BuildAppendedAsync(DbSession db, string tenantId, MessageRow row, bool withAttachments, IReadOnlyDictionary<string, UserRow>? knownPeople) =>
        (await BuildAsync(db, tenantId, null, [row], new Appended(row.Id, withAttachments, knownPeople)))[0];

    /// <summary>
    /// The sender's own view of a message it just sent, from the shared one: nobody can have received or read it yet
    /// (every member's pointers are below its seq), so its receipts need only the count of other members, which the
    /// caller knows from the conversation it locked; the message it replies to says which reactions are the sender's.
    /// </summary>
    public async Task<Message> ForSenderAsync(DbSession db, string tenantId, string? senderId, Message appended, int otherMembers)
    {
        if (senderId is null) return appended;
        var floor = new PointerFloor { ConversationId = appended.ConversationId, Others = otherMembers };
        var own = OwnReceipts.For(appended.ConversationId, floor, []).Apply(appended);
        if (appended.ReplyTo is not { Reactions.Count: > 0 } replyTo) return own;
        var mine = (await reactions.ForMessagesAsync(db, tenantId, [replyTo.Id])).Where(r => r.UserId == senderId).Select(r => r.Emoji).ToHashSet(StringComparer.Ordinal);
        return own with { ReplyTo = replyTo with { Reactions = replyTo.Reactions.Select(r => r with { ReactedByMe = mine.Contains(r.Emoji) }).ToList() } };
    }

    /// <summary>The messages with these IDs, in the order given (pins, stars, search hits).</summary>
    public async Task<IReadOnlyList<Message>> BuildByIdsAsync(DbSession db, string tenantId, string? viewerId, IReadOnlyList<string> ids)
    {
        var rows = await messages.FindManyAsync(db, tenantId, ids);
        return await BuildAsync(db, tenantId, viewerId, ids.Select(id => rows[id]).ToList());
    }

    public Task<IReadOnlyList<Message>> BuildAsync(DbSession db, string tenantId, string? viewerId, IReadOnlyList<MessageRow> rows) =>
        BuildAsync(db, tenantId, viewerId, rows, appended: null);

    private async Task<IReadOnlyList<Message>> BuildAsync(DbSession db, string tenantId, string? viewerId, IReadOnlyList<MessageRow> rows, Appended? appended)
    {
        if (rows.Count == 0) return [];
        var replies = await messages.FindManyAsync(db, tenantId, rows.Where(r => r.ReplyToId is not null).Select(r => r.ReplyToId!));
        var live = rows.Concat(replies.Values).Where(r => r.DeletedAt is null).Select(r => r.Id).Distinct(StringComparer.Ordinal).ToList();
        var markable = live.Where(id => id != appended?.Id).ToList();
        var ownFrom = viewerId is null
            ? []
            : rows.Where(r => r.SenderId == viewerId).GroupBy(r => r.ConversationId).ToDictionary(g => g.Key, g => g.Min(r => r.Seq), StringComparer.Ordinal);

        // One batch of reads for what marks the messages: reactions, pins, attachments, the authors, and receipts on the
        // viewer's own messages. Receipt moves are read for every conversation small enough that they might show (at
        // most one member more than the limit, the viewer's own place); the floors then decide.
        var marking = db.Batch();
        var reactionsRead = reactions.ForMessagesAsync(marking, tenantId, markable);
        var pinnedRead = pins.PinnedAmongAsync(marking, tenantId, markable);
        var attachedRead = attachments.ForMessagesAsync(marking, tenantId, appended is { WithAttachments: false } ? markable : live);
        var known = appended?.KnownPeople;
        var authorsRead = users.FindManyAsync(marking, tenantId, rows.Concat(replies.Values)
            .SelectMany(r => new[] { r.SenderId, r.ForwardedFromUserId }).OfType<string>().Where(id => known?.ContainsKey(id) != true));
        var floorsRead = ownFrom.Count == 0 ? Task.FromResult<Dictionary<string, PointerFloor>>([]) : receipts.OtherPointerFloorsAsync(marking, tenantId, ownFrom.Keys, viewerId!);
        var movesRead = ownFrom.Count == 0
            ? Task.FromResult<IReadOnlyList<ReceiptMove>>([])
            : receipts.MovesCoveringAsync(marking, tenantId, viewerId!, ownFrom, ReceiptDetailMemberLimit + 1);
        await marking.RunAsync();
        var reactionsByMessage = (await reactionsRead)
            .GroupBy(r => r.MessageId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.GroupBy(r => r.Emoji, StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
        var people = await authorsRead;
        if (known is not null)
        {
            foreach (var (id, person) in known) people.TryAdd(id, person);
        }
        // The reactors shown who are not authors too: one more read, only for a page with reactions.
        foreach (var (id, reactor) in await users.FindManyAsync(db, tenantId, reactionsByMessage.Values
            .SelectMany(emojis => emojis.SelectMany(e => e.Take(ReactionUsersShown).Select(r => r.UserId))).Where(id => !people.ContainsKey(id))))
            people[id] = reactor;
        var marks = new Marks(people, reactionsByMessage, await pinnedRead, await attachedRead, viewerId);
        var receiptsByConversation = OwnReceiptsOf(ownFrom, await floorsRead, await movesRead);

        return rows.Select(row =>
        {
            var reply = row.ReplyToId is not null && replies.TryGetValue(row.ReplyToId, out var r) ? Shape(r, marks, null) : null;
            var message = Shape(row, marks, reply);
            return receiptsByConversation.TryGetValue(row.ConversationId, out var receipts) && row.SenderId == viewerId
                ? receipts.Apply(message)
                : message;
        }).ToList();
    }

    private static Message Shape(MessageRow row, Marks marks, Message? replyTo) => new(
        row.Id, row.ConversationId, row.Seq,
        row.SenderId is not null && marks.People.TryGetValue(row.SenderId, out var sender) ? sender.ToPublic() : null,
        row.Kind, row.Text, marks.Attachments.GetValueOrDefault(row.Id) ?? [], row.ReplyToId, replyTo,
        row.ForwardedFromUserId is not null && marks.People.TryGetValue(row.ForwardedFromUserId, out var author) ? author.ToPublic() : null,
        row.ForwardedFromConversationId, row.ForwardedFromMessageId,
        row.MentionList, marks.ReactionsOf(row.Id), marks.Pinned.Contains(row.Id), null, null, null,
        row.ClientMessageId, UserRow.ParseJson(row.Metadata),
        Time.FromMillis(row.CreatedAt), Time.FromMillis(row.UpdatedAt), Time.FromMillis(row.EditedAt), Time.FromMillis(row.DeletedAt));

    /// <summary>A message appended in the current transaction, whether it was given attachments, and the people already read for it.</summary>
    private sealed record Appended(string Id, bool WithAttachments, IReadOnlyDictionary<string, UserRow>? KnownPeople);

    /// <summary>What a page's messages carry besides their rows: the people they name, their reactions, pins and attachments.</summary>
    private sealed record Marks(
        Dictionary<string, UserRow> People, Dictionary<string, List<IGrouping<string, ReactionRow>>> Reactions, HashSet<string> Pinned,
        Dictionary<string, List<Attachment>> Attachments, string? ViewerId)
    {
        /// <summary>One entry per emoji, in the order first used; <c>reactedByMe</c> is for the viewer (false in shared event payloads).</summary>
        public List<Reaction> ReactionsOf(string messageId) =>
            Reactions.TryGetValue(messageId, out var emojis)
                ? emojis.Select(e => new Reaction(e.Key, e.Count(), ViewerId is not null && e.Any(r => r.UserId == ViewerId),
                    e.Take(ReactionUsersShown).Where(r => People.ContainsKey(r.UserId)).Select(r => People[r.UserId].ToPublic()).ToList())).ToList()
                : [];
    }

    /// <summary>Receipts on the viewer's own messages, per conversation from its earliest such seq, from its pointer floor and the moves read.</summary>
    private static Dictionary<string, OwnReceipts> OwnReceiptsOf(
        Dictionary<string, long> fromSeqs, Dictionary<string, PointerFloor> floors, IReadOnlyList<ReceiptMove> covering)
    {
        var moves = covering.ToLookup(m => m.ConversationId, StringComparer.Ordinal);
        return fromSeqs.Keys.ToDictionary(c => c, c => OwnReceipts.For(c, floors.GetValueOrDefault(c) ?? PointerFloor.Nobody, moves[c]), StringComparer.Ordinal);
    }

    /// <summary>Receipts on the viewer's own messages in one conversation.</summary>
    private sealed record OwnReceipts(string ConversationId, PointerFloor Floor, IReadOnlyList<ReceiptMove>? Moves)
    {
        /// <summary>Whether receipts name the members: up to <see cref="ReceiptDetailMemberLimit"/> others; above, the status alone.</summary>
        public static bool ShowsMembers(PointerFloor floor) => floor.Others <= ReceiptDetailMemberLimit;

        /// <summary>Per-member receipts from these pointer moves, or the status alone where <see cref="ShowsMembers"/> says so.</summary>
        public static OwnReceipts For(string conversationId, PointerFloor floor, IEnumerable<ReceiptMove> moves) =>
            new(conversationId, floor, ShowsMembers(floor) ? moves.ToList() : null);

        public Message Apply(Message message)
        {
            var status = Floor.Others == 0 ? ReceiptStatus.Sent
                : Floor.MinRead >= message.Seq ? ReceiptStatus.Read
                : Floor.MinDelivered >= message.Seq ? ReceiptStatus.Delivered
                : ReceiptStatus.Sent;
            if (Moves is null) return message with { Status = status };

            // One pass over the moves, which come in time order: each member's first move covering the message is
            // its receipt (a read one counts as delivered too). A page runs this for each of its own messages.
            List<ReceiptEvent> readBy = [], deliveredTo = [];
            HashSet<string>? read = null, delivered = null;
            foreach (var move in Moves)
            {
                if (move.UpToSeq < message.Seq) continue;
                if ((delivered ??= new HashSet<string>(StringComparer.Ordinal)).Add(move.UserId))
                    deliveredTo.Add(Receipt(move, message, ReceiptStatus.Delivered));
                if (move.Status == ReceiptStatus.Read && (read ??= new HashSet<string>(StringComparer.Ordinal)).Add(move.UserId))
                    readBy.Add(Receipt(move, message, ReceiptStatus.Read));
            }
            readBy.Sort(ByTimeThenUser);
            deliveredTo.Sort(ByTimeThenUser);
            return message with { Status = status, ReadBy = readBy, DeliveredTo = deliveredTo };
        }

        private ReceiptEvent Receipt(ReceiptMove move, Message message, string status) =>
            new(ConversationId, [message.Id], move.UserId, status, Time.FromMillis(move.At));

        /// <summary>One receipt per member, so no two compare equal.</summary>
        private static int ByTimeThenUser(ReceiptEvent a, ReceiptEvent b) =>
            a.At != b.At ? a.At.CompareTo(b.At) : string.CompareOrdinal(a.UserId, b.UserId);
    }
}
