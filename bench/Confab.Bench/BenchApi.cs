using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Confab.Bench;

/// <summary>The few REST calls a scenario needs to set itself up: a tenant, users with sessions, a room.</summary>
public sealed class BenchApi(Uri address) : IDisposable
{
    private readonly HttpClient http = new() { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };

    public async Task<string> CreateTenantAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/v1/tenants") { Content = JsonContent.Create(new { name = "bench" }) };
        request.Headers.Add("X-Admin-Key", ServerProcess.AdminKey);
        return (await SendAsync(request))["apiKey"]!.GetValue<string>();
    }

    /// <summary>Creates the users and a session token for each, a few at a time.</summary>
    public async Task<string[]> UsersWithTokensAsync(string apiKey, IReadOnlyList<string> userIds)
    {
        var tokens = new string[userIds.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, userIds.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            using var upsert = new HttpRequestMessage(HttpMethod.Put, $"/server/v1/users/{userIds[i]}") { Content = JsonContent.Create(new { name = userIds[i] }) };
            upsert.Headers.Add("X-API-Key", apiKey);
            await SendAsync(upsert);
            using var session = new HttpRequestMessage(HttpMethod.Post, "/server/v1/sessions") { Content = JsonContent.Create(new { userId = userIds[i] }) };
            session.Headers.Add("X-API-Key", apiKey);
            tokens[i] = (await SendAsync(session))["token"]!.GetValue<string>();
        });
        return tokens;
    }

    /// <summary>A group of all the users, created by the first, members added 500 at a time.</summary>
    public async Task<string> RoomAsync(string ownerToken, IReadOnlyList<string> userIds)
    {
        var room = await AsUserAsync(ownerToken, HttpMethod.Post, "/v1/conversations", new { type = "group", title = "bench room", participantIds = Array.Empty<string>() });
        var id = room["id"]!.GetValue<string>();
        foreach (var chunk in userIds.Skip(1).Chunk(500))
            await AsUserAsync(ownerToken, HttpMethod.Post, $"/v1/conversations/{id}/members", new { userIds = chunk });
        return id;
    }

    public Task<JsonNode> SendMessageAsync(string token, string conversationId, string text) =>
        AsUserAsync(token, HttpMethod.Post, $"/v1/conversations/{conversationId}/messages", new { text });

    private async Task<JsonNode> AsUserAsync(string token, HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return await SendAsync(request);
    }

    private async Task<JsonNode> SendAsync(HttpRequestMessage request)
    {
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{request.Method} {request.RequestUri} gave {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text) ?? throw new JsonException("Empty response.");
    }

    public void Dispose() => http.Dispose();
}
