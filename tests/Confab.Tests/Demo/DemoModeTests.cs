using Confab.Tests.Infrastructure;

namespace Confab.Tests.Demo;

public sealed class DemoOffTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/index.html")]
    [InlineData("/demo.js")]
    [InlineData("/demo/users")]
    public async Task Without_demo_mode_nothing_of_the_demo_is_reachable(string path) =>
        await server.Anonymous().GetAsync(path).ExpectProblem(404);

    [Fact]
    public async Task Without_demo_mode_no_demo_session_can_be_had()
    {
        await server.Anonymous().PostJsonAsync("/demo/sessions", new { userId = "ava" }).ExpectProblem(404);
        await server.AsAdmin().GetAsync("/admin/v1/tenants/demo").ExpectProblem(404, "TENANT_NOT_FOUND");
    }
}

public sealed class DemoOnTests(DemoConfabServer server) : IClassFixture<DemoConfabServer>
{
    [Fact]
    public async Task Demo_mode_serves_the_page_and_seeds_users_with_conversations()
    {
        var page = await server.Anonymous().GetAsync("/");
        Assert.Equal(200, (int)page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);

        var users = await server.Anonymous().GetAsync("/demo/users").ExpectJson(200);
        Assert.Equal(["ava", "ben", "cleo", "dan"], users.EnumerateArray().Select(u => u.Str("id")));

        var session = await server.Anonymous().PostJsonAsync("/demo/sessions", new { userId = "ava" }).ExpectJson(201);
        var ava = server.WithSession(session.Str("token"));
        var conversations = (await ava.GetAsync("/v1/conversations").ExpectJson(200)).Items();
        Assert.Equal(2, conversations.Length);
        Assert.Contains(conversations, c => c.Str("type") == "direct");
    }

    [Fact]
    public async Task Only_demo_users_get_demo_sessions() =>
        await server.Anonymous().PostJsonAsync("/demo/sessions", new { userId = "mallory" }).ExpectProblem(404, "USER_NOT_FOUND");
}
