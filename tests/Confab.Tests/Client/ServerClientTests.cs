using Confab.Client;
using Confab.Contracts;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Client;

public sealed class ServerClientTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Users_are_created_replaced_listed_read_and_deleted()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var first = await tenant.Backend.UpsertUserAsync("ava", new UpsertUserRequest { Name = "Ava", Email = "ava@example.com", Role = "admin" });
        Assert.True(first.Created);
        Assert.Equal(("Ava", "ava@example.com", "admin"), (first.User.Name, first.User.Email, first.User.Role));
        var second = await tenant.Backend.UpsertUserAsync("ava", new UpsertUserRequest { Name = "Ava B", Username = "avab" });
        Assert.False(second.Created);
        Assert.Equal(("Ava B", "avab"), (second.User.Name, second.User.Username));
        await tenant.Backend.UpsertUserAsync("ben", new UpsertUserRequest { Name = "Ben" });

        Assert.Equal("Ava B", (await tenant.Backend.GetUserAsync("ava")).Name);
        Assert.Equal(["ava"], (await tenant.Backend.ListUsersAsync(q: "avab")).Items.Select(u => u.Id));
        var firstPage = await tenant.Backend.ListUsersAsync(limit: 1);
        var secondPage = await tenant.Backend.ListUsersAsync(cursor: firstPage.NextCursor, limit: 1);
        Assert.Equal(["ava", "ben"], firstPage.Items.Concat(secondPage.Items).Select(u => u.Id));

        await tenant.Backend.DeleteUserAsync("ben", messages: "keep");
        var gone = await Assert.ThrowsAsync<ConfabApiException>(() => tenant.Backend.GetUserAsync("ben"));
        Assert.Equal((404, "USER_NOT_FOUND"), (gone.Status, gone.Code));
    }

    [Fact]
    public async Task A_session_token_works_until_its_sessions_are_revoked()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        await tenant.Backend.UpsertUserAsync("ava", new UpsertUserRequest { Name = "Ava" });
        var session = await tenant.Backend.IssueSessionAsync("ava", TimeSpan.FromHours(1));
        Assert.StartsWith("cs_", session.Token);
        Assert.InRange(session.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));

        var ava = new ConfabClient(tenant.Http, session.Token);
        Assert.Equal("ava", (await ava.Users.MeAsync()).Id);
        await tenant.Backend.RevokeSessionsAsync("ava");
        var refused = await Assert.ThrowsAsync<ConfabApiException>(() => ava.Users.MeAsync());
        Assert.Equal((401, "UNAUTHORIZED"), (refused.Status, refused.Code));
    }

    [Fact]
    public async Task A_session_for_an_unknown_user_is_refused()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var refused = await Assert.ThrowsAsync<ConfabApiException>(() => tenant.Backend.IssueSessionAsync("nobody"));
        Assert.Equal((404, "USER_NOT_FOUND"), (refused.Status, refused.Code));
    }

    [Fact]
    public async Task Settings_change_only_where_asked_and_bad_values_are_refused()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var before = await tenant.Backend.GetSettingsAsync();
        Assert.Equal((0, 1800, 4000), (before.EditWindowSeconds, before.DeleteWindowSeconds, before.MaxMessageLength));

        var after = await tenant.Backend.UpdateSettingsAsync(new SettingsPatch
        {
            EditWindowSeconds = 60,
            RateLimits = new RateLimitPatch { MessagesPerMinutePerUser = 10 },
        });
        Assert.Equal((60, 1800, 10, 600), (after.EditWindowSeconds, after.DeleteWindowSeconds,
            after.RateLimits.MessagesPerMinutePerUser, after.RateLimits.RequestsPerMinutePerUser));

        var refused = await Assert.ThrowsAsync<ConfabApiException>(() =>
            tenant.Backend.UpdateSettingsAsync(new SettingsPatch { EventRetentionDays = 0 }));
        Assert.Equal((400, "VALIDATION_FAILED"), (refused.Status, refused.Code));
    }

    [Fact]
    public async Task The_backend_posts_as_the_system_or_as_a_user_and_acts_as_a_user()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ava = await tenant.UserAsync("ava");
        await tenant.TokenAsync("ben");
        var group = await SdkTenant.GroupAsync(ava, "ben");

        var system = await tenant.Backend.PostMessageAsync(group, new SendMessageRequest { Kind = "system", Text = "Welcome" });
        Assert.True(system.Created);
        Assert.Equal(("system", "Welcome"), (system.Message.Kind, system.Message.Text));
        var asBen = await tenant.Backend.PostMessageAsync(group, new SendMessageRequest { Text = "from ben" }, senderId: "ben");
        Assert.Equal("ben", asBen.Message.Sender?.Id);

        var actingBen = tenant.Backend.ActAs("ben");
        Assert.Equal("ben", (await actingBen.Users.MeAsync()).Id);
        Assert.Equal(["from ben", "Welcome"], (await actingBen.Messages.ListAsync(group)).Items.Select(m => m.Text));

        var refused = await Assert.ThrowsAsync<ConfabApiException>(() =>
            tenant.Backend.PostMessageAsync("c_missing0000000000000000", new SendMessageRequest { Kind = "system", Text = "x" }));
        Assert.Equal((404, "CONVERSATION_NOT_FOUND"), (refused.Status, refused.Code));
    }
}
