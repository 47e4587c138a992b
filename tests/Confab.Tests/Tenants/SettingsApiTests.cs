using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Tenants;

/// <summary>GET / PATCH /server/v1/settings (spec section 9), and that the settings take effect.</summary>
public sealed class SettingsApiTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task A_new_tenant_has_exactly_the_documented_default_settings()
    {
        var tenant = await server.NewTenantAsync(specRateLimits: true);
        var settings = await tenant.Backend.GetAsync("/server/v1/settings").ExpectJson(200);

        Assert.Equal(
            ["allowedUploadTypes", "deleteWindowSeconds", "editWindowSeconds", "encryptionAtRest", "eventRetentionDays", "maxMessageLength", "maxUploadBytes", "rateLimits"],
            settings.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(0, settings.GetProperty("editWindowSeconds").GetInt64());
        Assert.Equal(1800, settings.GetProperty("deleteWindowSeconds").GetInt64());
        Assert.Equal(4000, settings.GetProperty("maxMessageLength").GetInt64());
        Assert.Equal(26214400, settings.GetProperty("maxUploadBytes").GetInt64());
        Assert.False(settings.GetProperty("encryptionAtRest").GetBoolean());
        Assert.Equal(7, settings.GetProperty("eventRetentionDays").GetInt64());

        var types = settings.GetProperty("allowedUploadTypes");
        Assert.Equal(JsonValueKind.Array, types.ValueKind);
        Assert.All(types.EnumerateArray(), t => Assert.Contains('/', t.GetString()!));

        var rateLimits = settings.GetProperty("rateLimits");
        Assert.Equal(["messagesPerMinutePerTenant", "messagesPerMinutePerUser", "requestsPerMinutePerTenant", "requestsPerMinutePerUser"],
            rateLimits.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(60, rateLimits.GetProperty("messagesPerMinutePerUser").GetInt64());
        Assert.Equal(600, rateLimits.GetProperty("requestsPerMinutePerUser").GetInt64());
        Assert.Equal(6_000, rateLimits.GetProperty("messagesPerMinutePerTenant").GetInt64());
        Assert.Equal(60_000, rateLimits.GetProperty("requestsPerMinutePerTenant").GetInt64());
    }

    [Fact]
    public async Task A_patch_changes_only_the_fields_sent_and_persists()
    {
        var tenant = await server.NewTenantAsync();
        var before = await tenant.Backend.GetAsync("/server/v1/settings").ExpectJson(200);

        var patched = await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { deleteWindowSeconds = 60, maxMessageLength = 500 }).ExpectJson(200);
        Assert.Equal(60, patched.GetProperty("deleteWindowSeconds").GetInt64());
        Assert.Equal(500, patched.GetProperty("maxMessageLength").GetInt64());

        var read = await tenant.Backend.GetAsync("/server/v1/settings").ExpectJson(200);
        Assert.Equal(patched.GetRawText(), read.GetRawText());
        foreach (var property in before.EnumerateObject().Where(p => p.Name is not "deleteWindowSeconds" and not "maxMessageLength"))
            Assert.Equal(property.Value.GetRawText(), read.GetProperty(property.Name).GetRawText());

        // A later patch keeps the earlier one.
        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { editWindowSeconds = 300, encryptionAtRest = true, allowedUploadTypes = new List<string> { "image/png" } }).ExpectJson(200);
        var again = await tenant.Backend.GetAsync("/server/v1/settings").ExpectJson(200);
        Assert.Equal(60, again.GetProperty("deleteWindowSeconds").GetInt64());
        Assert.Equal(500, again.GetProperty("maxMessageLength").GetInt64());
        Assert.Equal(300, again.GetProperty("editWindowSeconds").GetInt64());
        Assert.True(again.GetProperty("encryptionAtRest").GetBoolean());
        Assert.Equal("image/png", Assert.Single(again.GetProperty("allowedUploadTypes").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Patching_one_rate_limit_keeps_the_other()
    {
        var tenant = await server.NewTenantAsync(specRateLimits: true);
        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { rateLimits = new { messagesPerMinutePerUser = 10 } }).ExpectJson(200);
        var limits = (await tenant.Backend.GetAsync("/server/v1/settings").ExpectJson(200)).GetProperty("rateLimits");
        Assert.Equal(10, limits.GetProperty("messagesPerMinutePerUser").GetInt64());
        Assert.Equal(600, limits.GetProperty("requestsPerMinutePerUser").GetInt64());
    }

    [Fact]
    public async Task An_empty_patch_changes_nothing()
    {
        var tenant = await server.NewTenantAsync();
        var before = (await tenant.Backend.GetAsync("/server/v1/settings").ExpectJson(200)).GetRawText();
        Assert.Equal(before, (await tenant.Backend.SendRawAsync(HttpMethod.Patch, "/server/v1/settings", "{}").ExpectJson(200)).GetRawText());
        Assert.Equal(before, (await tenant.Backend.GetAsync("/server/v1/settings").ExpectJson(200)).GetRawText());
    }

    public static TheoryData<string> InvalidPatches => new()
    {
        "{\"editWindowSeconds\":-1}",
        "{\"deleteWindowSeconds\":-1800}",
        "{\"maxMessageLength\":0}",
        "{\"maxMessageLength\":-5}",
        "{\"maxUploadBytes\":-1}",
        "{\"maxUploadBytes\":0}",
        "{\"eventRetentionDays\":0}",
        "{\"eventRetentionDays\":-7}",
        "{\"rateLimits\":{\"messagesPerMinutePerUser\":-1}}",
        "{\"rateLimits\":{\"requestsPerMinutePerUser\":0}}",
        "{\"editWindowSeconds\":\"60\"}",
        "{\"deleteWindowSeconds\":true}",
        "{\"maxMessageLength\":1.5}",
        "{\"maxMessageLength\":1e20}",
        "{\"maxUploadBytes\":\"big\"}",
        "{\"encryptionAtRest\":\"yes\"}",
        "{\"encryptionAtRest\":1}",
        "{\"eventRetentionDays\":[7]}",
        "{\"allowedUploadTypes\":\"image/*\"}",
        "{\"allowedUploadTypes\":{\"0\":\"image/*\"}}",
        "{\"allowedUploadTypes\":[5]}",
        "{\"allowedUploadTypes\":[null]}",
        "{\"allowedUploadTypes\":[\"not a mime type\"]}",
        "{\"allowedUploadTypes\":[\"images\"]}",
        "{\"rateLimits\":[60,600]}",
        "{\"rateLimits\":60}",
        "{\"rateLimits\":{\"messagesPerMinutePerUser\":\"many\"}}",
        "{\"deleteWindowSeconds\":60,\"editWindowSeconds\":-1}",
        "{\"maxMessageLength\":500,\"rateLimits\":{\"requestsPerMinutePerUser\":-1}}",
    };

    [Theory]
    [MemberData(nameof(InvalidPatches))]
    public async Task An_invalid_value_is_400_and_nothing_changes(string body)
    {
        var tenant = await server.NewTenantAsync();
        var before = (await tenant.Backend.GetAsync("/server/v1/settings").ExpectJson(200)).GetRawText();

        await tenant.Backend.SendRawAsync(HttpMethod.Patch, "/server/v1/settings", body).ExpectProblem(400);

        Assert.Equal(before, (await tenant.Backend.GetAsync("/server/v1/settings").ExpectJson(200)).GetRawText());
    }

    [Fact]
    public async Task Settings_belong_to_one_tenant()
    {
        var a = await server.NewTenantAsync();
        var b = await server.NewTenantAsync();
        var bBefore = (await b.Backend.GetAsync("/server/v1/settings").ExpectJson(200)).GetRawText();

        await a.Backend.PatchJsonAsync("/server/v1/settings", new { maxMessageLength = 10, rateLimits = new { messagesPerMinutePerUser = 5 } }).ExpectJson(200);

        Assert.Equal(bBefore, (await b.Backend.GetAsync("/server/v1/settings").ExpectJson(200)).GetRawText());
        Assert.Equal(10, (await a.Backend.GetAsync("/server/v1/settings").ExpectJson(200)).GetProperty("maxMessageLength").GetInt64());
    }

    [Fact]
    public async Task Settings_need_the_api_key()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        await server.Anonymous().GetAsync("/server/v1/settings").ExpectProblem(401);
        await alice.GetAsync("/server/v1/settings").ExpectProblem(401);
        await alice.PatchJsonAsync("/server/v1/settings", new { maxMessageLength = 1 }).ExpectProblem(401);
        await server.ActingAs(tenant.ApiKey, "alice").GetAsync("/v1/settings").ExpectProblem(404);
        Assert.Equal(4000, (await tenant.Backend.GetAsync("/server/v1/settings").ExpectJson(200)).GetProperty("maxMessageLength").GetInt64());
    }

    [Fact]
    public async Task Max_message_length_takes_effect_at_once()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var group = await tenant.CreateConversationAsync(alice, "group");

        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { maxMessageLength = 10 }).ExpectJson(200);
        await alice.PostJsonAsync($"/v1/conversations/{group}/messages", new { text = "0123456789" }).ExpectJson(201);
        await alice.PostJsonAsync($"/v1/conversations/{group}/messages", new { text = "0123456789X" }).ExpectProblem(400);
        await tenant.Backend.PostJsonAsync($"/server/v1/conversations/{group}/messages", new { text = "0123456789X" }).ExpectProblem(400);
    }

    [Fact]
    public async Task The_delete_window_takes_effect()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, bob) = (await tenant.SessionAsync("alice"), await tenant.SessionAsync("bob"));
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { deleteWindowSeconds = 60 }).ExpectJson(200);

        // Bob is a plain member (no manage_messages), so only the window lets him delete his own messages.
        var early = (await tenant.SendAsync(bob, group, "soon gone")).Str("id");
        var late = (await tenant.SendAsync(bob, group, "too late")).Str("id");
        server.Clock.Advance(TimeSpan.FromSeconds(30));
        await bob.DeleteAsync($"/v1/conversations/{group}/messages/{early}").Expect(204);
        server.Clock.Advance(TimeSpan.FromSeconds(31));
        await bob.DeleteAsync($"/v1/conversations/{group}/messages/{late}").ExpectProblem(403, "DELETE_WINDOW_PASSED");
        // The owner, who has manage_messages, still may.
        await alice.DeleteAsync($"/v1/conversations/{group}/messages/{late}").Expect(204);
    }

    [Fact]
    public async Task The_edit_window_takes_effect()
    {
        var tenant = await server.NewTenantAsync();
        var alice = await tenant.SessionAsync("alice");
        var group = await tenant.CreateConversationAsync(alice, "group");
        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { editWindowSeconds = 30 }).ExpectJson(200);

        var message = (await tenant.SendAsync(alice, group, "first")).Str("id");
        await alice.PatchJsonAsync($"/v1/conversations/{group}/messages/{message}", new { text = "second" }).ExpectJson(200);
        server.Clock.Advance(TimeSpan.FromSeconds(31));
        await alice.PatchJsonAsync($"/v1/conversations/{group}/messages/{message}", new { text = "third" }).ExpectProblem(403, "EDIT_WINDOW_PASSED");
    }
}
