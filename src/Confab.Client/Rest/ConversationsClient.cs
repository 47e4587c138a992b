namespace Confab.Client;

/// <summary>The caller's conversations (<c>/v1/conversations</c>).</summary>
public sealed class ConversationsClient
{
    private readonly ConfabHttp http;

    internal ConversationsClient(ConfabHttp http) => this.http = http;

    /// <summary>The caller's conversations, most recent activity first.</summary>
    public Task<Page<Conversation>> ListAsync(ConversationListQuery? query = null, CancellationToken cancel = default)
    {
        query ??= new ConversationListQuery();
        var parameters = new QueryString()
            .Add("type", query.Type).Add("pinned", query.Pinned).Add("muted", query.Muted).Add("archived", query.Archived)
            .Add("hasUnread", query.HasUnread).Add("q", query.Q).Add("role", query.Role)
            .Add("cursor", query.Cursor).Add("limit", query.Limit);
        return http.GetAsync<Page<Conversation>>($"v1/conversations{parameters}", cancel);
    }

    /// <summary>Creates a conversation; for a direct conversation that exists already, returns it with Created false.</summary>
    public async Task<CreatedConversation> CreateAsync(CreateConversationRequest request, CancellationToken cancel = default)
    {
        var (conversation, created) = await http.SendForStatusAsync<Conversation>(HttpMethod.Post, "v1/conversations", ConfabHttp.Json(request), cancel)
            .ConfigureAwait(false);
        return new CreatedConversation(conversation, created);
    }

    /// <summary>The conversation with its members.</summary>
    public Task<Conversation> GetAsync(string conversationId, CancellationToken cancel = default) =>
        http.GetAsync<Conversation>(Path(conversationId), cancel);

    public Task<Conversation> UpdateAsync(string conversationId, UpdateConversationRequest changes, CancellationToken cancel = default) =>
        http.SendAsync<Conversation>(HttpMethod.Patch, Path(conversationId), ConfabHttp.Json(changes), cancel);

    /// <summary>The owner of a group or channel deletes it for everyone; anyone else archives it for themselves.</summary>
    public Task DeleteAsync(string conversationId, CancellationToken cancel = default) =>
        http.SendAsync(HttpMethod.Delete, Path(conversationId), null, cancel);

    /// <summary>Sets the conversation's avatar to an image URL, or clears it with null.</summary>
    public Task<Conversation> SetAvatarAsync(string conversationId, string? avatarUrl, CancellationToken cancel = default) =>
        http.SendAsync<Conversation>(HttpMethod.Patch, Path(conversationId) + "/avatar", ConfabHttp.Json(new AvatarBody(avatarUrl)), cancel);

    /// <summary>Sets the conversation's avatar to an image the user uploaded.</summary>
    public Task<Conversation> SetAvatarFromUploadAsync(string conversationId, string attachmentId, CancellationToken cancel = default) =>
        http.SendAsync<Conversation>(HttpMethod.Patch, Path(conversationId) + "/avatar", ConfabHttp.Json(new UploadedAvatarBody(new AttachmentReference(attachmentId))), cancel);

    private static string Path(string conversationId) => $"v1/conversations/{ConfabHttp.Segment(conversationId)}";
}
