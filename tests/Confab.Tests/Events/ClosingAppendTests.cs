using System.Data.Common;
using System.Text.Json;
using Confab.Server.Http;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Events;

/// <summary>
/// Most events are appended as their write's last statements (on PostgreSQL in the round trip that commits it). They
/// keep the order they were asked for in, and one that cannot be appended fails its whole write.
/// </summary>
public sealed class ClosingAppendTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Events_queued_for_the_close_keep_their_order_and_one_appended_at_once_comes_after_those_queued_before_it()
    {
        var tenant = await server.NewTenantAsync();
        var before = await server.LastPositionAsync(tenant.Id);

        var immediate = await server.Database.WriteAsync(async db =>
        {
            server.EventLog.ToUser(db, tenant.Id, "u1", "test.step", new { step = "queued first" });
            server.EventLog.ToUser(db, tenant.Id, "u2", "test.step", new { step = "queued second" });
            var position = await server.EventLog.ToConversationAsync(db, tenant.Id, "c_none", "test.step", new { step = "at once" });
            server.EventLog.ToUser(db, tenant.Id, "u1", "test.step", new { step = "queued after" });
            server.EventLog.ToConversation(db, tenant.Id, "c_none", "test.step", new { step = "queued last" });
            return position;
        });

        var logged = await server.ReadAsync(tenant.Id, before);
        Assert.Equal(Enumerable.Range(1, 5).Select(n => before + n), logged.Select(e => e.Position));
        Assert.Equal(["queued first", "queued second", "at once", "queued after", "queued last"], logged.Select(Step));
        Assert.Equal(before + 3, immediate);
    }

    [Fact]
    public async Task An_event_queued_for_a_tenant_that_is_gone_fails_the_write_with_a_404_and_leaves_none_of_it()
    {
        var tenant = await server.NewTenantAsync();
        var before = await server.LastPositionAsync(tenant.Id);

        var failure = await Assert.ThrowsAsync<ApiException>(() => server.Database.WriteAsync(async db =>
        {
            await server.EventLog.ToConversationAsync(db, tenant.Id, "c_none", "test.step", new { step = "at once" });
            server.EventLog.ToUser(db, tenant.Id, "u1", "test.step", new { step = "queued" });
            server.EventLog.ToUser(db, "t_gone", "u1", "test.step", new { step = "for no tenant" });
        }));

        Assert.Equal(404, failure.Status);
        Assert.Empty(await server.ReadAsync(tenant.Id, before));
        var after = await server.Database.WriteAsync(db => server.EventLog.ToConversationAsync(db, tenant.Id, "c_none", "test.step", new { step = "next write" }));
        Assert.Equal(before + 1, after);
    }

    [Fact]
    public async Task Closing_steps_that_change_rows_and_steps_that_read_them_each_get_their_own_result_in_order()
    {
        var tenant = await server.NewTenantAsync();
        foreach (var userId in new[] { "ann", "bob", "cat" }) await tenant.UpsertUserAsync(userId);
        var args = new { tenantId = tenant.Id };
        Task<int>? renaming = null, renamingNone = null;
        Task<long>? counting = null;
        Task<IReadOnlyList<string>>? naming = null, returning = null;

        // On PostgreSQL the changes give no result set and the reads do; they all go in one batch with the commit.
        await server.Database.WriteAsync(db =>
        {
            db.AtClose(close => renaming = close.ExecuteAsync("UPDATE users SET name = 'renamed' WHERE tenant_id = @tenantId AND id <> 'cat'", args));
            db.AtClose(close => counting = close.ScalarAsync<long>("SELECT COUNT(*) FROM users WHERE tenant_id = @tenantId AND name = 'renamed'", args));
            db.AtClose(close => renamingNone = close.ExecuteAsync("UPDATE users SET name = 'x' WHERE tenant_id = @tenantId AND id = 'nobody'", args));
            db.AtClose(close => naming = close.QueryAsync<string>("SELECT id FROM users WHERE tenant_id = @tenantId AND name = 'renamed' ORDER BY id", args));
            db.AtClose(close => returning = close.QueryAsync<string>("UPDATE users SET name = 'last' WHERE tenant_id = @tenantId AND id = 'cat' RETURNING id", args));
            return Task.CompletedTask;
        });

        Assert.Equal(2, await renaming!);
        Assert.Equal(2, await counting!);
        Assert.Equal(0, await renamingNone!);
        Assert.Equal(["ann", "bob"], await naming!);
        Assert.Equal(["cat"], await returning!);
        var names = await server.Database.ReadAsync(db => db.QueryAsync<string>("SELECT name FROM users WHERE tenant_id = @tenantId ORDER BY id", args));
        Assert.Equal(["renamed", "renamed", "last"], names);
    }

    [Fact]
    public async Task A_closing_step_that_fails_after_others_changed_rows_leaves_none_of_the_write()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.UpsertUserAsync("ann");
        var args = new { tenantId = tenant.Id };
        Task<long>? counting = null;

        await Assert.ThrowsAnyAsync<DbException>(() => server.Database.WriteAsync(db =>
        {
            db.AtClose(close => close.ExecuteAsync("UPDATE users SET name = 'renamed' WHERE tenant_id = @tenantId", args));
            db.AtClose(close => counting = close.ScalarAsync<long>("SELECT COUNT(*) FROM users WHERE tenant_id = @tenantId", args));
            db.AtClose(close => close.ExecuteAsync("UPDATE no_such_table SET x = 1"));
            return Task.CompletedTask;
        }));

        // On PostgreSQL the read went in the same batch, so it fails with it; SQLite had run it before the failure.
        if (server.Database.Engine.Dialect.WritesInWith) await Assert.ThrowsAnyAsync<DbException>(() => counting!);
        var renamed = await server.Database.ReadAsync(db => db.ScalarAsync<long>("SELECT COUNT(*) FROM users WHERE tenant_id = @tenantId AND name = 'renamed'", args));
        Assert.Equal(0, renamed);
    }

    [PostgresFact]
    public async Task A_statement_that_gives_rows_where_none_were_expected_fails_loudly_instead_of_shifting_the_reads_after_it()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.UpsertUserAsync("ann");
        var args = new { tenantId = tenant.Id };

        await Assert.ThrowsAsync<InvalidOperationException>(() => server.Database.WriteAsync(db =>
        {
            db.AtClose(close => close.ExecuteAsync("UPDATE users SET name = 'renamed' WHERE tenant_id = @tenantId RETURNING id", args));
            return Task.CompletedTask;
        }));
    }

    [PostgresFact]
    public async Task A_closing_step_that_awaits_before_its_statement_fails_its_write_before_the_commit()
    {
        var tenant = await server.NewTenantAsync();
        var before = await server.LastPositionAsync(tenant.Id);

        await Assert.ThrowsAsync<InvalidOperationException>(() => server.Database.WriteAsync(async db =>
        {
            await server.EventLog.ToConversationAsync(db, tenant.Id, "c_none", "test.step", new { step = "at once" });
            db.AtClose(async batch =>
            {
                await Task.Delay(20);
                await batch.ScalarAsync<long>("SELECT 1");
            });
        }));

        Assert.Empty(await server.ReadAsync(tenant.Id, before));
    }

    [Fact]
    public async Task The_engine_says_when_the_event_position_column_refused_a_null()
    {
        var failure = await Assert.ThrowsAnyAsync<DbException>(() => server.Database.WriteAsync(db => db.ExecuteAsync(
            "INSERT INTO events (tenant_id, position, type, payload, created_at) VALUES ('t_none', NULL, 'test.step', '{}', 0)")));

        var dialect = server.Database.Engine.Dialect;
        Assert.True(dialect.IsNullRefused(failure, "events", "position"));
        Assert.False(dialect.IsNullRefused(failure, "events", "type"));
    }

    private static string Step(Infrastructure.LoggedEvent e) => JsonDocument.Parse(e.Payload).RootElement.GetProperty("step").GetString()!;
}
