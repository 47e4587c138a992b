using Confab.Client;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Client;

public sealed class UsersClientTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Me_get_and_search()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ava = await tenant.UserAsync("ava");
        await tenant.Backend.UpsertUserAsync("ben", new UpsertUserRequest { Name = "Benjamin", Email = "ben@example.com" });

        var me = await ava.Users.MeAsync();
        Assert.Equal(("ava", "user"), (me.Id, me.Role));
        Assert.NotNull(me.CreatedAt);

        var ben = await ava.Users.GetAsync("ben");
        Assert.Equal("Benjamin", ben.Name);
        Assert.Null(ben.Email);

        Assert.Equal(["ben"], (await ava.Users.SearchAsync("benj")).Items.Select(u => u.Id));
        var first = await ava.Users.SearchAsync(limit: 1);
        var second = await ava.Users.SearchAsync(cursor: first.NextCursor, limit: 1);
        Assert.Equal(["ava", "ben"], first.Items.Concat(second.Items).Select(u => u.Id));

        var missing = await Assert.ThrowsAsync<ConfabApiException>(() => ava.Users.GetAsync("nobody"));
        Assert.Equal((404, "USER_NOT_FOUND"), (missing.Status, missing.Code));
    }

    [Fact]
    public async Task An_update_sends_only_what_was_set_and_null_clears()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ava = await tenant.UserAsync("ava");
        var set = await ava.Users.UpdateAsync("ava", new UpdateUserRequest { Name = "Ava Lovelace", StatusText = "Coding" });
        Assert.Equal(("Ava Lovelace", "Coding"), (set.Name, set.StatusText));

        var cleared = await ava.Users.UpdateAsync("ava", new UpdateUserRequest { StatusText = null });
        Assert.Equal("Ava Lovelace", cleared.Name);
        Assert.Null(cleared.StatusText);
    }

    [Fact]
    public async Task Changing_someone_else_is_forbidden()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var ava = await tenant.UserAsync("ava");
        await tenant.TokenAsync("ben");
        var refused = await Assert.ThrowsAsync<ConfabApiException>(() => ava.Users.UpdateAsync("ben", new UpdateUserRequest { Name = "Hacked" }));
        Assert.Equal((403, "FORBIDDEN"), (refused.Status, refused.Code));
    }
}
