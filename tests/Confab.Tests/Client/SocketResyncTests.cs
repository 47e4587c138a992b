using Confab.Client;
using Confab.Contracts;
using Confab.Server.Events;
using Confab.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Confab.Tests.Client;

/// <summary>Moves the server's clock past the retention window, so it has a server of its own.</summary>
public sealed class SocketResyncTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task A_resume_past_retention_asks_for_a_resync_then_goes_on_from_the_present()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var month = TimeSpan.FromDays(30);
        var ben = new ConfabClient(tenant.Http, await tenant.TokenAsync("ben", month));
        var avaToken = await tenant.TokenAsync("ava", month);
        var group = await SdkTenant.GroupAsync(ben, "ava");
        long kept;
        await using (var first = await tenant.ConnectAsync(avaToken))
        {
            await ben.Messages.SendAsync(group, new SendMessageRequest { Text = "old" });
            await first.NextAsync(EventTypes.MessageCreated);
            kept = first.LastSeq!.Value;
        }
        await ben.Messages.SendAsync(group, new SendMessageRequest { Text = "missed and pruned" });
        server.Clock.Advance(TimeSpan.FromDays(8));
        await server.Services.GetRequiredService<EventRetention>().PruneAllAsync();
        var pruned = await Assert.ThrowsAsync<ConfabApiException>(() => new ConfabClient(tenant.Http, avaToken).Events.PollAsync(kept));
        Assert.Equal((410, "RESYNC_REQUIRED"), (pruned.Status, pruned.Code));

        var sockets = new ControlledWebSockets();
        await using var ava = await tenant.ConnectAsync(avaToken, new ConfabSocketOptions
        {
            ResumeAfterSeq = kept,
            InitialReconnectDelay = TimeSpan.FromMilliseconds(50),
            WebSocketFactory = sockets.ConnectAsync,
        });
        Assert.Equal(EventTypes.ResyncRequired, (await ava.NextAsync(NotEphemeral)).Type);

        await ben.Messages.SendAsync(group, new SendMessageRequest { Text = "fresh" });
        Assert.Equal("fresh", (await ava.NextAsync(NotEphemeral)).AsMessage().Text);

        var back = ava.StateAsync(ConfabSocketState.Connected);
        sockets.DropLatest();
        await back;
        await ben.Messages.SendAsync(group, new SendMessageRequest { Text = "after the drop" });
        Assert.Equal("after the drop", (await ava.NextAsync(NotEphemeral)).AsMessage().Text);
    }

    [Fact]
    public async Task A_seq_kept_from_ahead_of_the_log_asks_for_a_resync_and_live_events_below_it_still_come()
    {
        var (tenant, ben, avaToken, group) = await SdkTenant.BenWithAvaAsync(server);

        // As a client would hold after the server's store was restored from a backup older than its last event.
        await using var ava = await tenant.ConnectAsync(avaToken, new ConfabSocketOptions { ResumeAfterSeq = 1_000_000 });
        Assert.Equal(EventTypes.ResyncRequired, (await ava.NextAsync(NotEphemeral)).Type);

        await ben.Messages.SendAsync(group, new SendMessageRequest { Text = "fresh" });
        var fresh = await ava.NextAsync(NotEphemeral);
        Assert.Equal("fresh", fresh.AsMessage().Text);
        Assert.True(fresh.Seq < 1_000_000);
        Assert.Equal(fresh.Seq, ava.LastSeq);
    }

    private static bool NotEphemeral(ConfabEvent e) => e.IsDurable || e.Type == EventTypes.ResyncRequired;
}
