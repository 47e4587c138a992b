namespace Confab.Tests.Infrastructure;

/// <summary>A tenant made for one test, with shortcuts to its backend and to sessions of its users.</summary>
public sealed class TestTenant(ConfabServer server, string id, string apiKey)
{
    public string Id { get; } = id;
    public string ApiKey { get; } = apiKey;
    public ConfabServer Server { get; } = server;

    public HttpClient Backend => Server.WithApiKey(ApiKey);

    public async Task<System.Text.Json.JsonElement> UpsertUserAsync(string userId, string? name = null, string role = "user") =>
        await Backend.PutJsonAsync($"/server/v1/users/{userId}", new { name = name ?? userId, role }).ExpectJson(200, 201);

    /// <summary>Creates the user if needed and returns a client holding a fresh session token for it.</summary>
    public async Task<HttpClient> SessionAsync(string userId) => Server.WithSession(await TokenAsync(userId));

    /// <summary>Creates the user if needed and issues a fresh session token for it.</summary>
    public async Task<string> TokenAsync(string userId)
    {
        await UpsertUserAsync(userId);
        return (await Backend.PostJsonAsync("/server/v1/sessions", new { userId }).ExpectJson(201)).Str("token");
    }

    /// <summary>Creates each user and returns a session client per user, in order.</summary>
    public async Task<HttpClient[]> SessionsAsync(params string[] userIds)
    {
        var clients = new HttpClient[userIds.Length];
        for (var i = 0; i < userIds.Length; i++) clients[i] = await SessionAsync(userIds[i]);
        return clients;
    }

    public async Task<string> CreateConversationAsync(HttpClient creator, string type, params string[] participantIds)
    {
        var conversation = await creator.PostJsonAsync("/v1/conversations", new { type, participantIds, title = type == "direct" ? null : $"A {type}" })
            .ExpectJson(200, 201);
        return conversation.Str("id");
    }

    public async Task<System.Text.Json.JsonElement> SendAsync(HttpClient sender, string conversationId, string text, string? clientMessageId = null) =>
        await sender.PostJsonAsync($"/v1/conversations/{conversationId}/messages", new { text, clientMessageId }).ExpectJson(201);
}
