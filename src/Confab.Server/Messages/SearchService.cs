using Confab.Contracts;
using Confab.Server.Conversations;
using Confab.Server.Http;
using Confab.Server.Identity;
using Confab.Server.Storage;

namespace Confab.Server.Messages;

/// <summary>
/// Message search over the caller's conversations: ranked, paged, optionally within one conversation. Any
/// text is a safe query: its words are all required (the last one a prefix), never read as query syntax.
/// </summary>
public sealed class SearchService(Database database, SearchStore search, MessageViews views, ConversationGuard guard)
{
    public const int MaxQueryLength = 200;
    public const int MaxTerms = 16;

    public async Task<Page<Message>> SearchAsync(UserCaller caller, string? q, string? conversationId, string? cursor, int limit)
    {
        var words = Words(q);
        var list = $"search:{caller.UserId}:{conversationId}:{q}";
        var offset = cursor is null ? 0 : Cursor.DecodeNumber(Cursor.Decode(list, cursor, 1)[0]);
        if (offset is < 0 or > 100_000) throw ApiException.BadRequest(ErrorCodes.InvalidCursor, "The cursor is not valid for this list.");

        return await database.ReadAsync(async db =>
        {
            if (conversationId is not null) await guard.LoadAsync(db, caller.TenantId, conversationId, caller.UserId);
            var hits = await search.SearchAsync(db, caller.TenantId, caller.UserId, words, conversationId, (int)offset, limit + 1);
            var shown = await views.BuildByIdsAsync(db, caller.TenantId, caller.UserId, hits.Take(limit).Select(h => h.MessageId).ToList());
            var next = hits.Count > limit ? Cursor.Encode(list, (offset + limit).ToString(System.Globalization.CultureInfo.InvariantCulture)) : null;
            return new Page<Message>(shown, next);
        });
    }

    /// <summary>The words of <paramref name="q"/>: all required, the last one a prefix (for search as you type).</summary>
    private static string[] Words(string? q)
    {
        var terms = Check.Required(q, "q", MaxQueryLength).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (terms.Length > MaxTerms) throw ApiException.Invalid($"q may have at most {MaxTerms} words.");
        return terms;
    }
}
