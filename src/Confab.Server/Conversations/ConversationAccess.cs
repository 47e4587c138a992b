using Confab.Server.Http;
using Confab.Server.Storage;

namespace Confab.Server.Conversations;

/// <summary>A conversation as one user may reach it: as a member, or as a reader of a public channel.</summary>
public sealed record ConversationAccess(ConversationRow Conversation, MemberRow? Member)
{
    public MemberRow RequireMember() =>
        Member ?? throw ApiException.Forbidden(ErrorCodes.NotAMember, "You are not a member of this conversation.");

    public MemberRow Require(string permission)
    {
        var member = RequireMember();
        if (!member.Can(permission)) throw ApiException.Forbidden(ErrorCodes.MissingPermission, $"Your role here lacks the {permission} permission.");
        return member;
    }

    public void RequireNotDirect(string action)
    {
        if (Conversation.IsDirect) throw ApiException.Forbidden(ErrorCodes.DirectConversation, $"Direct conversations cannot {action}.");
    }
}

/// <summary>Loads a conversation for a user, hiding those the user may not see (404, never revealing them).</summary>
public sealed class ConversationGuard(ConversationStore conversations, MemberStore members)
{
    public async Task<ConversationAccess> LoadAsync(DbSession db, string tenantId, string conversationId, string userId)
    {
        // A read takes both in one statement. A write locks the conversation first and reads the membership after: the
        // lock may wait for another write, and PostgreSQL then reads again only the row it locked, not a joined one.
        // Those are two statements one after the other, so a write's batch cannot carry them.
        if (db is ReadBatch { InWrite: true })
            throw new InvalidOperationException("A write loads a conversation's access in two statements, one after the other: not through a batch.");
        var access = db.InWrite
            ? new ConversationAccess(await FindAsync(db, tenantId, conversationId), await members.FindAsync(db, tenantId, conversationId, userId))
            : Check.IsGeneratedId(conversationId) && await conversations.FindWithMemberAsync(db, tenantId, conversationId, userId) is { } found
                ? found
                : throw NotFound();
        return access.Member is not null || access.Conversation.IsPublic ? access : throw NotFound();
    }

    /// <summary>The conversation, if it exists in the tenant, before any check of who may see it (callers apply their own rules).</summary>
    public async Task<ConversationRow> FindAsync(DbSession db, string tenantId, string conversationId) =>
        Check.IsGeneratedId(conversationId) && await conversations.FindAsync(db, tenantId, conversationId) is { } found ? found : throw NotFound();

    public static ApiException NotFound() => ApiException.NotFound(ErrorCodes.ConversationNotFound, "No such conversation, or you cannot see it.");
}
