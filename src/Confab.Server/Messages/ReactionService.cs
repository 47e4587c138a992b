using Confab.Contracts;
using Confab.Server.Conversations;
using Confab.Server.Events;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Identity;
using Confab.Server.Storage;

namespace Confab.Server.Messages;

/// <summary>Reactions: any member adds or removes its own; every member hears of the new totals (<c>message.reaction</c>).</summary>
public sealed class ReactionService(
    Database database, ConversationGuard guard, MessageService messageService, ReactionStore reactions, MessageViews views, EventLog events,
    TimeProvider clock)
{
    /// <summary>How many different emoji one message may collect.</summary>
    public const int MaxDistinctEmoji = 50;

    public Task<Message> AddAsync(UserCaller caller, string conversationId, string messageId, string? emoji) => database.WriteAsync(async db =>
    {
        var valid = Valid(emoji);
        var row = await ReactableAsync(db, caller, conversationId, messageId);
        if (!await reactions.HasEmojiAsync(db, caller.TenantId, messageId, valid)
            && await reactions.DistinctEmojiAsync(db, caller.TenantId, messageId) >= MaxDistinctEmoji)
            throw ApiException.Conflict(ErrorCodes.ReactionLimit, $"A message takes at most {MaxDistinctEmoji} different emoji.");
        if (await reactions.AddAsync(db, caller.TenantId, conversationId, messageId, valid, caller.UserId, Time.Now(clock)))
            await AnnounceAsync(db, row);
        return await views.BuildOneAsync(db, caller.TenantId, caller.UserId, row);
    });

    public Task<Message> RemoveAsync(UserCaller caller, string conversationId, string messageId, string? emoji) => database.WriteAsync(async db =>
    {
        var valid = Valid(emoji);
        var row = await ReactableAsync(db, caller, conversationId, messageId);
        if (await reactions.RemoveAsync(db, caller.TenantId, messageId, valid, caller.UserId)) await AnnounceAsync(db, row);
        return await views.BuildOneAsync(db, caller.TenantId, caller.UserId, row);
    });

    private async Task<MessageRow> ReactableAsync(WriteSession db, UserCaller caller, string conversationId, string messageId)
    {
        (await guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId)).RequireMember();
        var row = await messageService.FindVisibleAsync(db, caller, conversationId, messageId);
        if (row.DeletedAt is not null) throw ApiException.Conflict(ErrorCodes.MessageDeleted, "A deleted message takes no reactions.");
        return row;
    }

    private async Task AnnounceAsync(WriteSession db, MessageRow row)
    {
        var shared = await views.BuildOneAsync(db, row.TenantId, null, row);
        events.ToConversation(db, row.TenantId, row.ConversationId, EventTypes.MessageReaction,
            new { conversationId = row.ConversationId, messageId = row.Id, reactions = shared.Reactions });
    }

    private static string Valid(string? emoji) =>
        Emoji.IsValid(emoji) ? emoji! : throw ApiException.BadRequest(ErrorCodes.InvalidEmoji, "emoji must be one emoji or a :shortcode:.");
}
