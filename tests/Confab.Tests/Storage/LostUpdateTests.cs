using Confab.Tests.Infrastructure;

namespace Confab.Tests.Storage;

/// <summary>Changes written back from a row read in the same transaction lock it first, so concurrent PATCHes of different fields all stick.</summary>
public sealed class LostUpdateTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Concurrent_profile_patches_of_different_fields_all_stick()
    {
        var tenant = await server.NewTenantAsync();
        var alice = (await tenant.SessionsAsync("alice"))[0];
        for (var round = 0; round < 20; round++)
        {
            await Task.WhenAll(
                alice.PatchJsonAsync("/v1/users/alice", new { name = $"Name {round}" }).ExpectJson(200),
                alice.PatchJsonAsync("/v1/users/alice", new { statusText = $"Status {round}" }).ExpectJson(200));
            var me = await alice.GetAsync("/v1/users/alice").ExpectJson(200);
            Assert.Equal($"Name {round}", me.Str("name"));
            Assert.Equal($"Status {round}", me.Str("statusText"));
        }
    }

    [Fact]
    public async Task Concurrent_settings_patches_of_different_fields_all_stick()
    {
        var tenant = await server.NewTenantAsync();
        for (var round = 0; round < 20; round++)
        {
            await Task.WhenAll(
                tenant.Backend.PatchJsonAsync("/server/v1/settings", new { maxMessageLength = 1000 + round }).ExpectJson(200),
                tenant.Backend.PatchJsonAsync("/server/v1/settings", new { editWindowSeconds = 100 + round }).ExpectJson(200));
            var settings = await tenant.Backend.GetAsync("/server/v1/settings").ExpectJson(200);
            Assert.Equal(1000 + round, settings.GetProperty("maxMessageLength").GetInt32());
            Assert.Equal(100 + round, settings.GetProperty("editWindowSeconds").GetInt32());
        }
    }
}
