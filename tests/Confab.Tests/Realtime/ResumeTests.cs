using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Realtime;

/// <summary>
/// resume { since }: every durable event missed while away, once each, in seq order, then <c>resumed</c>; only
/// events of conversations the user belonged to at the time; no gaps or duplicates while writes continue.
/// </summary>
public sealed class ResumeTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Resume_replays_every_missed_event_once_in_order_then_resumed()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (bobHttp, bobToken) = await Kit.UserAsync(tenant, "bob");
        var (carol, _) = await Kit.UserAsync(tenant, "carol");
        var (dave, _) = await Kit.UserAsync(tenant, "dave");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob", "carol", "dave");
        var without = await tenant.CreateConversationAsync(alice, "group", "carol");
        var later = await tenant.CreateConversationAsync(alice, "group", "carol");

        long lastSeen;
        await using (var first = await Device.ConnectAsync(server, bobToken, "bob"))
        {
            var hello = await tenant.SendAsync(alice, group, "before the break");
            lastSeen = Kit.Seq(await first.MessageCreatedAsync(hello.Str("id")));
        }

        // While bob is away: concurrent senders, an edit, a delete, a removal, receipts, and activity elsewhere.
        var sent = await Task.WhenAll(new[] { alice, carol, dave }.Select(async sender =>
        {
            var ids = new List<string>();
            for (var i = 0; i < 6; i++) ids.Add((await tenant.SendAsync(sender, group, $"away {i}")).Str("id"));
            return ids;
        }));
        await alice.PatchJsonAsync($"/v1/conversations/{group}/messages/{sent[0][0]}", new { text = "edited while away" }).ExpectJson(200);
        await carol.DeleteAsync($"/v1/conversations/{group}/messages/{sent[1][0]}").Expect(204);
        await alice.DeleteAsync($"/v1/conversations/{group}/members/dave").Expect(204);
        await carol.PostJsonAsync($"/v1/conversations/{group}/read", new { }).ExpectJson(200);
        await tenant.SendAsync(alice, without, "bob never sees this");
        await tenant.SendAsync(alice, later, "before bob joined");
        await alice.PostJsonAsync($"/v1/conversations/{later}/members", new { userIds = Kit.List("bob") }).ExpectJson(201);
        await tenant.SendAsync(alice, later, "after bob joined");
        await bobHttp.PostJsonAsync($"/v1/conversations/{group}/read", new { }).ExpectJson(200);

        var log = await server.ReadAsync(tenant.Id, lastSeen);
        var joined = log.Single(e => e.Type == "conversation.member.added" && e.ConversationId == later).Position;
        var expected = log.Where(e => e.ConversationId == group || e.UserId == "bob" || e.ConversationId == later && e.Position >= joined).ToList();

        await using var bob = await Device.ConnectQuietAsync(server, bobToken, "bob");
        var replay = await bob.ResumeAsync(lastSeen);

        var durable = replay.Where(Kit.IsDurable).ToList();
        Assert.Equal(expected.Select(e => e.Position), durable.Select(Kit.Seq));
        Assert.Equal(expected.Select(e => e.Type), durable.Select(Kit.Type));
        var resumedAt = replay.FindIndex(f => Kit.Type(f) == "resumed");
        Assert.True(resumedAt >= 0, "resumed never arrived");
        Assert.Single(replay, f => Kit.Type(f) == "resumed");
        Assert.True(replay.FindLastIndex(Kit.IsDurable) < resumedAt, "resumed must follow the whole replay");

        Assert.DoesNotContain(durable, f => Kit.ConversationOf(f) == without);
        Assert.DoesNotContain(durable, f => Kit.Type(f) == "message.created" && Kit.Payload(f).StrOrNull("text") == "before bob joined");
        Assert.Equal(18, durable.Count(f => Kit.Type(f) == "message.created" && Kit.ConversationOf(f) == group));
        Assert.Contains(durable, f => Kit.Type(f) == "message.updated" && Kit.Payload(f).StrOrNull("text") == "edited while away");
        Assert.Contains(durable, f => Kit.Type(f) == "message.deleted" && Kit.Payload(f).Str("messageId") == sent[1][0]);
        Assert.Contains(durable, f => Kit.Type(f) == "conversation.member.removed" && Kit.Payload(f).Str("userId") == "dave");
        Assert.Contains(durable, f => Kit.Type(f) == "message.receipt" && Kit.Payload(f).Str("userId") == "carol");
        Assert.Contains(durable, f => Kit.Type(f) == "unread.updated");
        Assert.Contains(durable, f => Kit.Type(f) == "conversation.member.added" && Kit.ConversationOf(f) == later);
        Assert.Contains(durable, f => Kit.Type(f) == "message.created" && Kit.Payload(f).StrOrNull("text") == "after bob joined");

        // And live delivery carries on after the replay.
        var live = await tenant.SendAsync(carol, group, "welcome back");
        Assert.True(Kit.Seq(await bob.MessageCreatedAsync(live.Str("id"))) > durable.Max(Kit.Seq));
        Kit.AssertStrictlyIncreasing(bob.Durable.Select(Kit.Seq));
    }

    [Fact]
    public async Task Events_committed_between_ready_and_resume_come_once_in_the_replay_before_resumed()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");

        await using var bob = await Device.ConnectQuietAsync(server, bobToken, "bob");
        var early = await tenant.SendAsync(alice, group, "while held");
        await Task.Delay(200); // let the dispatcher hand it to the held connection
        var replay = await bob.ResumeAsync(bob.ReadySeq);

        var types = replay.Where(f => Kit.IsDurable(f) || Kit.Type(f) == "resumed").Select(Kit.Type).ToList();
        Assert.Equal(Kit.List("message.created", "resumed"), types);
        var marker = await tenant.SendAsync(alice, group, "marker");
        await bob.MessageCreatedAsync(marker.Str("id"));
        Assert.Single(bob.Durable, f => Kit.Type(f) == "message.created" && Kit.Payload(f).Str("id") == early.Str("id"));
    }

    [Fact]
    public async Task Without_any_request_held_events_are_released_after_about_a_second()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await using var bob = await Device.ConnectQuietAsync(server, bobToken, "bob");
        var sent = await tenant.SendAsync(alice, group, "eventually");
        var created = await bob.MessageCreatedAsync(sent.Str("id"), TimeSpan.FromSeconds(5));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(800), $"durable events should be held about a second, arrived after {clock.ElapsedMilliseconds} ms");
        Assert.True(Kit.Seq(created) > bob.ReadySeq);
    }

    [Fact]
    public async Task Resume_from_the_current_position_replays_nothing_and_a_repeated_resume_sends_nothing_twice()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        var start = await server.LastPositionAsync(tenant.Id);

        await using var bob = await Device.ConnectQuietAsync(server, bobToken, "bob");
        var nothing = await bob.ResumeAsync(bob.ReadySeq);
        Assert.DoesNotContain(nothing, Kit.IsDurable);
        Assert.Single(nothing, f => Kit.Type(f) == "resumed");

        var m1 = await tenant.SendAsync(alice, group, "one");
        await bob.MessageCreatedAsync(m1.Str("id"));
        var again = await bob.ResumeAsync(start);
        Assert.DoesNotContain(again, f => Kit.IsDurable(f) && Kit.Seq(f) >= start);
        var m2 = await tenant.SendAsync(alice, group, "two");
        await bob.MessageCreatedAsync(m2.Str("id"));
        Assert.Single(bob.Durable, f => Kit.Type(f) == "message.created" && Kit.Payload(f).Str("id") == m1.Str("id"));
        Kit.AssertStrictlyIncreasing(bob.Durable.Select(Kit.Seq));
    }

    [Fact]
    public async Task Resume_while_writes_continue_has_no_gaps_no_duplicates_and_strictly_increasing_seq()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var (carol, _) = await Kit.UserAsync(tenant, "carol");
        var (dave, _) = await Kit.UserAsync(tenant, "dave");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob", "carol", "dave");
        var since = await server.LastPositionAsync(tenant.Id);

        var writers = new[] { alice, carol, dave }.Select(sender => Task.Run(async () =>
        {
            for (var i = 0; i < 60; i++) await tenant.SendAsync(sender, group, $"burst {i}");
        })).ToArray();

        await Kit.EventuallyAsync(async () => await server.LastPositionAsync(tenant.Id) >= since + 40, TimeSpan.FromSeconds(20), "the first writes");
        await using var bob = await Device.ConnectQuietAsync(server, bobToken, "bob");
        var replay = await bob.ResumeAsync(since);
        await Task.WhenAll(writers);
        var last = await server.LastPositionAsync(tenant.Id);
        await bob.CatchUpToAsync(last);

        var expected = (await server.ReadAsync(tenant.Id, since)).Select(e => e.Position).ToList();
        Assert.Equal(180, expected.Count);
        bob.AssertDurableExactly(expected, since);
        Assert.Single(bob.Seen, f => Kit.Type(f) == "resumed");
        Assert.Contains(replay, Kit.IsDurable);
    }

    [Fact]
    public async Task A_negative_since_is_a_bad_payload_and_the_socket_stays_usable()
    {
        var tenant = await server.NewTenantAsync();
        var (alice, _) = await Kit.UserAsync(tenant, "alice");
        var (_, bobToken) = await Kit.UserAsync(tenant, "bob");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob");
        await using var bob = await Device.ConnectQuietAsync(server, bobToken, "bob");

        var reply = await bob.RequestAsync("resume", new { since = -5 });
        Assert.True(Kit.Type(reply) == "error", $"resume since -5 should be refused like GET /v1/events?since=-5 (400), got {reply} after {string.Join(", ", bob.Seen.Select(Kit.Type))}");
        Assert.Contains(Kit.Payload(reply).Str("code"), Kit.List("VALIDATION_FAILED", "INVALID_PARAMETER"));
        var resumed = await bob.ResumeAsync(bob.ReadySeq);
        Assert.Contains(resumed, f => Kit.Type(f) == "resumed");
        var sent = await tenant.SendAsync(alice, group, "still alive");
        await bob.MessageCreatedAsync(sent.Str("id"));
        Assert.Equal(JsonValueKind.Number, bob.Durable.Last().GetProperty("seq").ValueKind);
    }
}
