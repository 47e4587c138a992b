using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Http;

/// <summary>Every error is an RFC 9457 problem that also carries ChatEmi's message and code (spec section 1).</summary>
public sealed class ProblemDetailsTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task A_refusal_has_every_member_of_the_documented_problem_shape()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var channel = await alice.PostJsonAsync("/v1/conversations", new { type = "channel", title = "News", publicUsername = "news_room" }).ExpectJson(201);

        // The spec's own example: a 403 NOT_A_MEMBER (Bob may read the public channel but has not joined it).
        var problem = await bob.PostJsonAsync($"/v1/conversations/{channel.Str("id")}/messages", new { text = "hi" }).ExpectProblem(403, "NOT_A_MEMBER");
        AssertProblemShape(problem, 403, "Forbidden");
    }

    public static TheoryData<int, string> Statuses => new()
    {
        { 400, "Bad Request" },
        { 401, "Unauthorized" },
        { 403, "Forbidden" },
        { 404, "Not Found" },
        { 405, "Method Not Allowed" },
        { 409, "Conflict" },
        { 413, "Payload Too Large" },
        { 415, "Unsupported Media Type" },
    };

    [Theory]
    [MemberData(nameof(Statuses))]
    public async Task Each_error_status_is_a_problem_with_its_standard_title(int status, string title)
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await tenant.Backend.PutJsonAsync("/server/v1/users/bob", new { name = "Bob", username = "bobby" }).ExpectJson(201);

        var request = status switch
        {
            400 => alice.PostJsonAsync("/v1/conversations", new { type = "nonsense" }),
            401 => server.Anonymous().GetAsync("/v1/me"),
            403 => alice.PatchJsonAsync("/v1/users/bob", new { name = "x" }),
            404 => alice.GetAsync("/v1/conversations/01ARZ3NDEKTSV4RRFFQ69G5FAV"),
            405 => alice.DeleteAsync("/v1/me"),
            409 => alice.PatchJsonAsync("/v1/users/alice", new { username = "BOBBY" }),
            413 => OversizedAsync(alice),
            _ => alice.SendRawAsync(HttpMethod.Post, "/v1/conversations", "{\"type\":\"group\"}", "text/plain"),
        };
        var problem = await request.ExpectProblem(status);
        AssertProblemShape(problem, status, title);
    }

    [Fact]
    public async Task Malformed_json_names_the_problem_without_leaking_internals()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var problem = await alice.SendRawAsync(HttpMethod.Post, "/v1/conversations", "{\"type\": \"group\", \"title\": 5}").ExpectProblem(400);
        var text = problem.GetRawText();
        Assert.DoesNotContain("System.", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", text, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> OversizedAsync(HttpClient client)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/conversations")
        {
            Content = new StringContent("{\"type\":\"group\",\"title\":\"" + new string('x', 1_200_000) + "\"}", System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.ExpectContinue = true;
        return client.SendAsync(request);
    }

    private static void AssertProblemShape(JsonElement problem, int status, string title)
    {
        Assert.Equal(JsonValueKind.String, problem.GetProperty("type").ValueKind);
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("type").GetString()));
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("message").GetString()));
        Assert.Matches("^[A-Z][A-Z0-9_]*$", problem.GetProperty("code").GetString()!);
    }
}
