using Confab.Tests.Infrastructure;

namespace Confab.Tests.Realtime;

/// <summary>The server frames its text messages itself and writes several in one go: every length encoding arrives whole and in order.</summary>
public sealed class OutboundFramingTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Frames_of_every_length_arrive_whole_and_in_order_when_written_together()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.Backend.PatchJsonAsync("/server/v1/settings", new { maxMessageLength = 100_000 }).ExpectJson(200);
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        // The ready frame is under 126 bytes (a one-byte length); these take a 16-bit length, a 64-bit one, and a frame
        // bigger than one write's chunk.
        string[] texts = ["short", new string('x', 70_000), new string('é', 100_000), "last"];

        // Bob sends no first request: what arrives meanwhile is held, and goes out together when the stream goes live.
        var (bob, _) = await TestSocket.ConnectReadyAsync(server, bobToken);
        await using var _ = bob;
        foreach (var text in texts) await tenant.SendAsync(alice, group, text);

        var seqs = new List<long>();
        foreach (var text in texts)
        {
            var created = await bob.NextAsync("message.created");
            Assert.Equal(text, created.GetProperty("payload").Str("text"));
            seqs.Add(created.GetProperty("seq").GetInt64());
        }
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal("ack", (await bob.RequestAsync("ping")).Str("type"));
    }
}
