namespace Confab.Client;

/// <summary>Messages of a conversation (<c>/v1/conversations/{id}/messages</c>).</summary>
public sealed class MessagesClient
{
    private readonly ConfabHttp http;

    internal MessagesClient(ConfabHttp http) => this.http = http;

    /// <summary>A page of history; see <see cref="MessageListQuery"/> for the order of each kind of page.</summary>
    public Task<Page<Message>> ListAsync(string conversationId, MessageListQuery? query = null, CancellationToken cancel = default)
    {
        query ??= new MessageListQuery();
        var parameters = new QueryString()
            .Add("cursor", query.Cursor).Add("beforeId", query.BeforeId).Add("afterId", query.AfterId).Add("aroundId", query.AroundId)
            .Add("limit", query.Limit);
        return http.GetAsync<Page<Message>>($"{Path(conversationId)}{parameters}", cancel);
    }

    /// <summary>Sends a message; a repeated <c>ClientMessageId</c> returns the original with Created false.</summary>
    public async Task<SentMessage> SendAsync(string conversationId, SendMessageRequest message, CancellationToken cancel = default)
    {
        var (sent, created) = await http.SendForStatusAsync<Message>(HttpMethod.Post, Path(conversationId), ConfabHttp.Json(message), cancel)
            .ConfigureAwait(false);
        return new SentMessage(sent, created);
    }

    /// <summary>Edits one's own message within the tenant's edit window.</summary>
    public Task<Message> EditAsync(string conversationId, string messageId, string text, CancellationToken cancel = default) =>
        http.SendAsync<Message>(HttpMethod.Patch, Path(conversationId, messageId), ConfabHttp.Json(new EditMessageBody(text)), cancel);

    /// <summary>Deletes for everyone: one's own message within the delete window, or any with <c>manage_messages</c>.</summary>
    public Task DeleteAsync(string conversationId, string messageId, CancellationToken cancel = default) =>
        http.SendAsync(HttpMethod.Delete, Path(conversationId, messageId), null, cancel);

    /// <summary>Hides the message for the caller only.</summary>
    public Task DeleteForMeAsync(string conversationId, string messageId, CancellationToken cancel = default) =>
        http.SendAsync(HttpMethod.Delete, Path(conversationId, messageId) + "?scope=me", null, cancel);

    /// <summary>Forwards a message to another conversation; returns the new message there.</summary>
    public Task<Message> ForwardAsync(string conversationId, string messageId, string targetConversationId, string? comment = null,
        CancellationToken cancel = default) =>
        http.SendAsync<Message>(HttpMethod.Post, Path(conversationId, messageId) + "/forward",
            ConfabHttp.Json(new ForwardMessageBody(targetConversationId, comment)), cancel);

    /// <summary>Adds the caller's reaction (one emoji or a :shortcode:); returns the message with its reactions.</summary>
    public Task<Message> ReactAsync(string conversationId, string messageId, string emoji, CancellationToken cancel = default) =>
        http.SendAsync<Message>(HttpMethod.Post, Path(conversationId, messageId) + "/reactions", ConfabHttp.Json(new ReactionBody(emoji)), cancel);

    /// <summary>Removes the caller's reaction; returns the message with its reactions.</summary>
    public Task<Message> UnreactAsync(string conversationId, string messageId, string emoji, CancellationToken cancel = default) =>
        http.SendAsync<Message>(HttpMethod.Delete, Path(conversationId, messageId) + "/reactions/" + ConfabHttp.Segment(emoji), null, cancel);

    /// <summary>Pins a message for every member (needs <c>pin_messages</c>).</summary>
    public Task<Message> PinAsync(string conversationId, string messageId, CancellationToken cancel = default) =>
        http.SendAsync<Message>(HttpMethod.Post, Path(conversationId, messageId) + "/pin", null, cancel);

    public Task<Message> UnpinAsync(string conversationId, string messageId, CancellationToken cancel = default) =>
        http.SendAsync<Message>(HttpMethod.Delete, Path(conversationId, messageId) + "/pin", null, cancel);

    /// <summary>The conversation's pinned messages, most recently pinned first.</summary>
    public Task<Page<Message>> ListPinsAsync(string conversationId, string? cursor = null, int? limit = null, CancellationToken cancel = default) =>
        http.GetAsync<Page<Message>>($"v1/conversations/{ConfabHttp.Segment(conversationId)}/pins{new QueryString().Add("cursor", cursor).Add("limit", limit)}", cancel);

    /// <summary>Stars a message for the caller only.</summary>
    public Task StarAsync(string conversationId, string messageId, CancellationToken cancel = default) =>
        http.SendAsync(HttpMethod.Post, Path(conversationId, messageId) + "/star", null, cancel);

    public Task UnstarAsync(string conversationId, string messageId, CancellationToken cancel = default) =>
        http.SendAsync(HttpMethod.Delete, Path(conversationId, messageId) + "/star", null, cancel);

    /// <summary>The caller's starred messages, most recently starred first.</summary>
    public Task<Page<Message>> ListStarredAsync(string? cursor = null, int? limit = null, CancellationToken cancel = default) =>
        http.GetAsync<Page<Message>>($"v1/starred{new QueryString().Add("cursor", cursor).Add("limit", limit)}", cancel);

    private static string Path(string conversationId) => $"v1/conversations/{ConfabHttp.Segment(conversationId)}/messages";

    private static string Path(string conversationId, string messageId) => $"{Path(conversationId)}/{ConfabHttp.Segment(messageId)}";
}
