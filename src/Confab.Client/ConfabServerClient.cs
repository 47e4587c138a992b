namespace Confab.Client;

/// <summary>
/// The server API (<c>/server/v1</c>) for a tenant's backend, with its API key: users, sessions, settings,
/// and messages posted as the system. Keep the API key on the server; never ship it to browsers or apps.
/// </summary>
public sealed class ConfabServerClient
{
    private readonly HttpClient client;
    private readonly string apiKey;
    private readonly ConfabHttp http;

    /// <param name="http">A client whose <c>BaseAddress</c> is the Confab server's root URL; it may be shared.</param>
    /// <param name="apiKey">The tenant's API key (<c>ck_…</c>).</param>
    public ConfabServerClient(HttpClient http, string apiKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(apiKey);
        client = http;
        this.apiKey = apiKey;
        this.http = new ConfabHttp(http, headers => headers.Add("X-API-Key", apiKey));
    }

    /// <summary>Creates (Created true) or replaces the user with this ID.</summary>
    public async Task<UpsertedUser> UpsertUserAsync(string userId, UpsertUserRequest user, CancellationToken cancel = default)
    {
        var (upserted, created) = await http.SendForStatusAsync<User>(HttpMethod.Put, UserPath(userId), ConfabHttp.Json(user), cancel).ConfigureAwait(false);
        return new UpsertedUser(upserted, created);
    }

    /// <summary>Users of the tenant, optionally those matching <paramref name="q"/> in ID, name or username.</summary>
    public Task<Page<User>> ListUsersAsync(string? q = null, string? cursor = null, int? limit = null, CancellationToken cancel = default) =>
        http.GetAsync<Page<User>>($"server/v1/users{new QueryString().Add("q", q).Add("cursor", cursor).Add("limit", limit)}", cancel);

    public Task<User> GetUserAsync(string userId, CancellationToken cancel = default) => http.GetAsync<User>(UserPath(userId), cancel);

    /// <summary>
    /// Deletes the user and revokes its sessions. <paramref name="messages"/>: <c>keep</c>, <c>anonymize</c>
    /// (the server's default) or <c>delete</c>.
    /// </summary>
    public Task DeleteUserAsync(string userId, string? messages = null, CancellationToken cancel = default) =>
        http.SendAsync(HttpMethod.Delete, UserPath(userId) + new QueryString().Add("messages", messages), null, cancel);

    /// <summary>Issues a session token for the user (the server's default lifetime is 24 h, the most 30 days).</summary>
    public Task<IssuedSession> IssueSessionAsync(string userId, TimeSpan? lifetime = null, CancellationToken cancel = default) =>
        http.SendAsync<IssuedSession>(HttpMethod.Post, "server/v1/sessions",
            ConfabHttp.Json(new SessionBody(userId, lifetime is { } ttl ? (long)ttl.TotalSeconds : null)), cancel);

    /// <summary>Revokes every session of the user; its open sockets close.</summary>
    public Task RevokeSessionsAsync(string userId, CancellationToken cancel = default) =>
        http.SendAsync(HttpMethod.Delete, UserPath(userId) + "/sessions", null, cancel);

    public Task<TenantSettings> GetSettingsAsync(CancellationToken cancel = default) => http.GetAsync<TenantSettings>("server/v1/settings", cancel);

    /// <summary>Changes the settings that are set in <paramref name="changes"/>; takes effect at once.</summary>
    public Task<TenantSettings> UpdateSettingsAsync(SettingsPatch changes, CancellationToken cancel = default) =>
        http.SendAsync<TenantSettings>(HttpMethod.Patch, "server/v1/settings", ConfabHttp.Json(changes), cancel);

    /// <summary>
    /// Posts to a conversation without membership checks: as the system (set <c>Kind = "system"</c> and no sender)
    /// or as <paramref name="senderId"/>.
    /// </summary>
    public async Task<SentMessage> PostMessageAsync(string conversationId, SendMessageRequest message, string? senderId = null,
        CancellationToken cancel = default)
    {
        var body = ConfabJson.ToObject(message);
        if (senderId is not null) body["senderId"] = senderId;
        var (sent, created) = await http.SendForStatusAsync<Message>(HttpMethod.Post,
            $"server/v1/conversations/{ConfabHttp.Segment(conversationId)}/messages", ConfabHttp.Json(body), cancel).ConfigureAwait(false);
        return new SentMessage(sent, created);
    }

    /// <summary>The client API as one of the tenant's users, authenticated by this API key and <c>X-User-Id</c>.</summary>
    public ConfabClient ActAs(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return new ConfabClient(new ConfabHttp(client, headers =>
        {
            headers.Add("X-API-Key", apiKey);
            headers.Add("X-User-Id", userId);
        }));
    }

    private static string UserPath(string userId) => $"server/v1/users/{ConfabHttp.Segment(userId)}";
}
