namespace Confab.Client;

/// <summary>Members of a conversation (<c>/v1/conversations/{id}/members</c>).</summary>
public sealed class MembersClient
{
    private readonly ConfabHttp http;

    internal MembersClient(ConfabHttp http) => this.http = http;

    /// <summary>Members in the order they joined.</summary>
    public Task<Page<Member>> ListAsync(string conversationId, string? cursor = null, int? limit = null, CancellationToken cancel = default) =>
        http.GetAsync<Page<Member>>($"{Path(conversationId)}{new QueryString().Add("cursor", cursor).Add("limit", limit)}", cancel);

    /// <summary>Adds users (or joins a public channel with one's own ID); returns those who were added.</summary>
    public Task<IReadOnlyList<Member>> AddAsync(string conversationId, IEnumerable<string> userIds, CancellationToken cancel = default) =>
        http.SendAsync<IReadOnlyList<Member>>(HttpMethod.Post, Path(conversationId), ConfabHttp.Json(new AddMembersBody([.. userIds])), cancel);

    public Task<Member> UpdateAsync(string conversationId, string userId, UpdateMemberRequest changes, CancellationToken cancel = default) =>
        http.SendAsync<Member>(HttpMethod.Patch, $"{Path(conversationId)}/{ConfabHttp.Segment(userId)}", ConfabHttp.Json(changes), cancel);

    /// <summary>Removes a member; with one's own ID, leaves the conversation.</summary>
    public Task RemoveAsync(string conversationId, string userId, CancellationToken cancel = default) =>
        http.SendAsync(HttpMethod.Delete, $"{Path(conversationId)}/{ConfabHttp.Segment(userId)}", null, cancel);

    private static string Path(string conversationId) => $"v1/conversations/{ConfabHttp.Segment(conversationId)}/members";
}
