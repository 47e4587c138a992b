using Confab.Contracts;
using Confab.Server.Conversations;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Identity;
using Confab.Server.Storage;

namespace Confab.Server.Messages;

/// <summary>Stars: a member's own bookmarks of messages, seen by nobody else.</summary>
public sealed class StarService(
    Database database, ConversationGuard guard, MessageService messageService, StarStore stars, MessageViews views,
    TimeProvider clock)
{
    public const string List = "starred";

    public Task StarAsync(UserCaller caller, string conversationId, string messageId) => database.WriteAsync(async db =>
    {
        (await guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId)).RequireMember();
        var row = await messageService.FindVisibleAsync(db, caller, conversationId, messageId);
        if (row.DeletedAt is not null) throw ApiException.Conflict(ErrorCodes.MessageDeleted, "A deleted message cannot be starred.");
        await stars.StarAsync(db, caller.TenantId, caller.UserId, conversationId, messageId, Time.Now(clock));
    });

    public Task UnstarAsync(UserCaller caller, string conversationId, string messageId) => database.WriteAsync(async db =>
    {
        await guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId);
        _ = await messageService.FindVisibleAsync(db, caller, conversationId, messageId);
        await stars.UnstarAsync(db, caller.TenantId, caller.UserId, messageId);
    });

    public async Task<Page<Message>> ListAsync(UserCaller caller, string? cursor, int limit)
    {
        var list = $"{List}:{caller.UserId}";
        var before = Cursor.DecodePosition(list, cursor);
        return await database.ReadAsync(async db =>
        {
            var page = Paging.From(await stars.ListAsync(db, caller.TenantId, caller.UserId, before, limit + 1), limit, s => s,
                s => Cursor.EncodePosition(list, s.StarredAt, s.MessageId));
            var shown = await views.BuildByIdsAsync(db, caller.TenantId, caller.UserId, page.Items.Select(s => s.MessageId).ToList());
            return new Page<Message>(shown, page.NextCursor);
        });
    }
}
