using Confab.Server.Events;
using Confab.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Confab.Tests.Realtime;

/// <summary>
/// Past the retention window the log is gone: resume answers <c>resync.required</c> and the long-poll 410
/// RESYNC_REQUIRED. These tests move the server clock forward by days, so they have a server of their own.
/// </summary>
public sealed class RetentionTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Resume_within_the_default_seven_days_replays_and_past_them_requires_a_resync()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        await tenant.UpsertUserAsync("bob");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var since = await server.LastPositionAsync(tenant.Id);
        var old = await tenant.SendAsync(alice, group, "old");

        server.Clock.Advance(TimeSpan.FromDays(6));
        alice = await tenant.SessionAsync("alice");
        await PruneAsync();
        await using (var bob = await Device.ConnectQuietAsync(server, await tenant.TokenAsync("bob"), "bob"))
        {
            var replay = await bob.ResumeAsync(since);
            Assert.Contains(replay, f => Kit.Type(f) == "message.created" && Kit.Payload(f).Str("id") == old.Str("id"));
            Assert.Contains(replay, f => Kit.Type(f) == "resumed");
        }

        server.Clock.Advance(TimeSpan.FromDays(2));
        alice = await tenant.SessionAsync("alice"); // sessions last a day; the clock moved on
        var recent = await tenant.SendAsync(alice, group, "recent");
        await PruneAsync();
        await using (var bob = await Device.ConnectQuietAsync(server, await tenant.TokenAsync("bob"), "bob"))
        {
            var replay = await bob.ResumeAsync(since);
            var resync = Assert.Single(replay, f => Kit.Type(f) == "resync.required");
            Assert.False(Kit.IsDurable(resync));
            Assert.DoesNotContain(replay, Kit.IsDurable);
            Assert.DoesNotContain(replay, f => Kit.Type(f) == "resumed");

            // The socket still works: live events flow after the refusal.
            var live = await tenant.SendAsync(alice, group, "live");
            await bob.MessageCreatedAsync(live.Str("id"));
            Assert.DoesNotContain(bob.Durable, f => Kit.Payload(f).StrOrNull("id") == recent.Str("id"));
        }
    }

    [Fact]
    public async Task A_lowered_retention_setting_is_honoured_by_resume_and_the_long_poll()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { eventRetentionDays = 1 }).ExpectJson(200);
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        await tenant.UpsertUserAsync("bob");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var since = await server.LastPositionAsync(tenant.Id);
        await tenant.SendAsync(alice, group, "soon forgotten");

        server.Clock.Advance(TimeSpan.FromDays(2));
        var alice2 = await tenant.SessionAsync("alice");
        var fresh = await tenant.SendAsync(alice2, group, "fresh");
        await PruneAsync();
        var bobToken = await tenant.TokenAsync("bob");
        var bobHttp = server.WithSession(bobToken);

        await bobHttp.GetAsync($"/v1/events?since={since}").ExpectProblem(410, "RESYNC_REQUIRED");
        await bobHttp.GetAsync($"/v1/events?since={since}&timeoutSeconds=5").ExpectProblem(410, "RESYNC_REQUIRED");
        await bobHttp.GetAsync("/v1/events?since=0").ExpectProblem(410, "RESYNC_REQUIRED");

        // From the newest pruned position on, the stream is whole again.
        var pruned = (await server.ReadAsync(tenant.Id)).Min(e => e.Position) - 1;
        var batch = await bobHttp.GetAsync($"/v1/events?since={pruned}").ExpectJson(200);
        Assert.Contains(batch.Items(), f => Kit.Type(f) == "message.created" && Kit.Payload(f).Str("id") == fresh.Str("id"));

        await using (var bob = await Device.ConnectQuietAsync(server, bobToken, "bob"))
        {
            var refused = await bob.ResumeAsync(since);
            Assert.Contains(refused, f => Kit.Type(f) == "resync.required");
        }

        // After a resync the stream goes on from the present; a client that wants the kept history reconnects.
        await using var again = await Device.ConnectQuietAsync(server, bobToken, "bob");
        var replay = await again.ResumeAsync(pruned);
        Assert.Contains(replay, f => Kit.Type(f) == "message.created" && Kit.Payload(f).Str("id") == fresh.Str("id"));
        Assert.Contains(replay, f => Kit.Type(f) == "resumed");
    }

    private Task PruneAsync() => server.Services.GetRequiredService<EventRetention>().PruneAllAsync();
}
