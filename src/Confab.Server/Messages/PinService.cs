using Confab.Contracts;
using Confab.Server.Conversations;
using Confab.Server.Events;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Identity;
using Confab.Server.Storage;

namespace Confab.Server.Messages;

/// <summary>Pins, with the <c>pin_messages</c> permission; every member sees the change as <c>message.updated</c>.</summary>
public sealed class PinService(
    Database database, ConversationGuard guard, MessageService messageService, PinStore pins, MessageViews views,
    EventLog events, TimeProvider clock)
{
    public Task<Message> PinAsync(UserCaller caller, string conversationId, string messageId) => SetAsync(caller, conversationId, messageId, pin: true);

    public Task<Message> UnpinAsync(UserCaller caller, string conversationId, string messageId) => SetAsync(caller, conversationId, messageId, pin: false);

    public async Task<Page<Message>> ListAsync(UserCaller caller, string conversationId, string? cursor, int limit)
    {
        var list = "pins:" + conversationId;
        var before = Cursor.DecodePosition(list, cursor);
        return await database.ReadAsync(async db =>
        {
            await guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId);
            var page = Paging.From(await pins.ListAsync(db, caller.TenantId, conversationId, before, limit + 1), limit, p => p,
                p => Cursor.EncodePosition(list, p.PinnedAt, p.MessageId));
            var shown = await views.BuildByIdsAsync(db, caller.TenantId, caller.UserId, page.Items.Select(p => p.MessageId).ToList());
            return new Page<Message>(shown, page.NextCursor);
        });
    }

    private Task<Message> SetAsync(UserCaller caller, string conversationId, string messageId, bool pin) => database.WriteAsync(async db =>
    {
        (await guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId)).Require(Conversations.Permissions.PinMessages);
        var row = await messageService.FindVisibleAsync(db, caller, conversationId, messageId);
        if (row.DeletedAt is not null) throw ApiException.Conflict(ErrorCodes.MessageDeleted, "A deleted message cannot be pinned.");
        var changed = pin
            ? await pins.PinAsync(db, caller.TenantId, conversationId, messageId, caller.UserId, Time.Now(clock))
            : await pins.UnpinAsync(db, caller.TenantId, conversationId, messageId);
        if (changed)
            events.ToConversation(db, caller.TenantId, conversationId, EventTypes.MessageUpdated, await views.BuildOneAsync(db, caller.TenantId, null, row));
        return await views.BuildOneAsync(db, caller.TenantId, caller.UserId, row);
    });
}
