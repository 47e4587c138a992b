using System.Diagnostics;
using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Realtime;

/// <summary>GET /v1/events: the same durable stream as the socket, as a long-poll.</summary>
public sealed class LongPollTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Waiting_events_are_returned_at_once_as_envelopes_with_the_next_since()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (bob, _) = await Kit.UserAsync(tenant, "bob");
        await tenant.UpsertUserAsync("carol");
        var since = await server.LastPositionAsync(tenant.Id);
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var hidden = await tenant.CreateConversationAsync(alice, "group", "carol");
        var sent = await tenant.SendAsync(alice, group, "waiting for you");
        await tenant.SendAsync(alice, hidden, "not for bob");

        var clock = Stopwatch.StartNew();
        var batch = await bob.GetAsync($"/v1/events?since={since}&timeoutSeconds=30").ExpectJson(200);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"waiting events must come at once, took {clock.ElapsedMilliseconds} ms");

        var items = batch.Items();
        Assert.Equal(Kit.List("conversation.created", "message.created"), items.Select(Kit.Type));
        Assert.Equal(group, Kit.Payload(items[0]).Str("id"));
        Assert.Equal(sent.Str("id"), Kit.Payload(items[1]).Str("id"));
        Kit.AssertStrictlyIncreasing(items.Select(Kit.Seq));
        Assert.Equal(Kit.Seq(items[^1]), batch.GetProperty("since").GetInt64());
        var expected = (await server.ReadAsync(tenant.Id, since)).Where(e => e.ConversationId == group).Select(e => e.Position);
        Assert.Equal(expected, items.Select(Kit.Seq));
    }

    [Fact]
    public async Task A_waiting_poll_wakes_up_promptly_when_an_event_arrives()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (bob, _) = await Kit.UserAsync(tenant, "bob");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var since = await server.LastPositionAsync(tenant.Id);

        var clock = Stopwatch.StartNew();
        var poll = bob.GetAsync($"/v1/events?since={since}&timeoutSeconds=20").ExpectJson(200);
        await Task.Delay(500);
        Assert.False(poll.IsCompleted, "with nothing to return the poll must wait");
        var sent = await tenant.SendAsync(alice, group, "wake up");
        var batch = await poll;
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the poll should wake up at once, took {clock.ElapsedMilliseconds} ms");
        var item = Assert.Single(batch.Items());
        Assert.Equal("message.created", Kit.Type(item));
        Assert.Equal(sent.Str("id"), Kit.Payload(item).Str("id"));
        Assert.Equal(Kit.Seq(item), batch.GetProperty("since").GetInt64());
    }

    [Fact]
    public async Task With_nothing_to_return_the_poll_answers_empty_after_the_timeout_even_if_others_get_events()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        await tenant.UpsertUserAsync("bob");
        var (carol, _) = await Kit.UserAsync(tenant, "carol");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var since = await server.LastPositionAsync(tenant.Id);

        var clock = Stopwatch.StartNew();
        var poll = carol.GetAsync($"/v1/events?since={since}&timeoutSeconds=2").ExpectJson(200);
        await Task.Delay(300);
        await tenant.SendAsync(alice, group, "not carol's business");
        var batch = await poll;
        Assert.Empty(batch.Items());
        Assert.Equal(since, batch.GetProperty("since").GetInt64());
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.8), $"the poll should have waited for its timeout, answered after {clock.ElapsedMilliseconds} ms");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(6), $"the poll overran its timeout: {clock.ElapsedMilliseconds} ms");

        var immediate = await carol.GetAsync($"/v1/events?since={since}&timeoutSeconds=0").ExpectJson(200);
        Assert.Empty(immediate.Items());
    }

    [Fact]
    public async Task Since_and_limit_page_through_the_stream_without_gaps_or_repeats()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (bob, _) = await Kit.UserAsync(tenant, "bob");
        var since = await server.LastPositionAsync(tenant.Id);
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        for (var i = 0; i < 6; i++) await tenant.SendAsync(alice, group, $"m{i}");
        await bob.PostJsonAsync($"/v1/conversations/{group}/read", new { }).ExpectJson(200);

        var collected = new List<JsonElement>();
        var cursor = since;
        for (var round = 0; round < 10; round++)
        {
            var batch = await bob.GetAsync($"/v1/events?since={cursor}&limit=2").ExpectJson(200);
            Assert.True(batch.Items().Length <= 2);
            if (batch.Items().Length == 0) break;
            collected.AddRange(batch.Items());
            cursor = batch.GetProperty("since").GetInt64();
        }

        var expected = (await server.ReadAsync(tenant.Id, since)).Where(e => e.ConversationId == group || e.UserId == "bob").ToList();
        Assert.Equal(expected.Select(e => e.Position), collected.Select(Kit.Seq));
        Assert.Equal(expected.Select(e => e.Type), collected.Select(Kit.Type));
        Assert.Contains(collected, f => Kit.Type(f) == "unread.updated");
        Assert.Equal(expected[^1].Position, cursor);
    }

    [Fact]
    public async Task Without_since_the_poll_starts_from_now()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (bob, _) = await Kit.UserAsync(tenant, "bob");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        await tenant.SendAsync(alice, group, "old news");

        var batch = await bob.GetAsync("/v1/events").ExpectJson(200);
        Assert.Empty(batch.Items());
        Assert.Equal(await server.LastPositionAsync(tenant.Id), batch.GetProperty("since").GetInt64());
    }

    [Fact]
    public async Task The_poll_serves_the_same_events_as_the_socket()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (bobHttp, bobToken) = await Kit.UserAsync(tenant, "bob");
        var (carol, _) = await Kit.UserAsync(tenant, "carol");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob", "carol");
        await using var bob = await Device.ConnectAsync(server, bobToken, "bob");
        var since = bob.ReadySeq;

        await tenant.SendAsync(alice, group, "one");
        await tenant.SendAsync(carol, group, "two");
        await bobHttp.PostJsonAsync($"/v1/conversations/{group}/read", new { }).ExpectJson(200);
        await alice.DeleteAsync($"/v1/conversations/{group}/members/bob").Expect(204);
        await tenant.SendAsync(alice, group, "after bob");
        var last = await server.LastPositionAsync(tenant.Id);

        await bob.EventAsync("conversation.member.removed", p => p.Str("userId") == "bob");
        await bob.SettleAsync(Kit.Quiet);
        var polled = (await bobHttp.GetAsync($"/v1/events?since={since}").ExpectJson(200)).Items();
        Assert.Equal(bob.Durable.Select(Kit.Seq), polled.Select(Kit.Seq));
        Assert.Equal(bob.Durable.Select(Kit.Type), polled.Select(Kit.Type));
        Assert.True(polled.Max(Kit.Seq) < last, "the message after bob's removal must not be in his stream");
    }

    [Theory]
    [InlineData("timeoutSeconds=31")]
    [InlineData("timeoutSeconds=-1")]
    [InlineData("timeoutSeconds=soon")]
    [InlineData("since=-1")]
    [InlineData("since=abc")]
    [InlineData("since=1.5")]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    [InlineData("limit=many")]
    public async Task Bad_parameters_are_a_400_problem(string query)
    {
        var tenant = await server.NewTenantAsync();
        var (bob, _) = await Kit.UserAsync(tenant, "bob");

        var clock = Stopwatch.StartNew();
        await bob.GetAsync($"/v1/events?{query}").ExpectProblem(400);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_poll_needs_credentials()
    {
        await server.Anonymous().GetAsync("/v1/events").ExpectProblem(401);
        await server.WithSession("cs_forged").GetAsync("/v1/events").ExpectProblem(401);
    }
}
