using Confab.Tests.Infrastructure;

namespace Confab.Tests.Storage;

/// <summary>
/// What a session's SQL gives back is the same on both stores, whether SQLite runs it from a compiled statement kept
/// on a pooled connection or PostgreSQL through Dapper: conversions, lists, nulls, failures, and connections reused
/// after them.
/// </summary>
public sealed class SessionSqlTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    private static readonly string[] Wanted = ["cat", "ann", "ann", "nobody"];

    public sealed class Pair
    {
        public long Number { get; init; }
        public string? Label { get; init; }
    }

    [Fact]
    public async Task Single_values_convert_to_the_type_asked_for_and_null_to_its_default()
    {
        var (asInt, asBool, asNullable, asMissing, asText) = await server.Database.ReadAsync(async db => (
            await db.ScalarAsync<int>("SELECT CAST(@n AS INTEGER)", new { n = 41L + 1 }),
            (await db.QueryAsync<bool>("SELECT CAST(@n AS INTEGER)", new { n = 1L }))[0],
            await db.ScalarAsync<long?>("SELECT CAST(NULL AS INTEGER)"),
            await db.QuerySingleOrDefaultAsync<string>("SELECT 'x' WHERE 1 = 0"),
            (await db.QueryAsync<string>("SELECT CAST(@t AS TEXT)", new { t = "a'b@c" }))[0]));

        Assert.Equal(42, asInt);
        Assert.True(asBool);
        Assert.Null(asNullable);
        Assert.Null(asMissing);
        Assert.Equal("a'b@c", asText);
    }

    [Fact]
    public async Task The_same_statement_maps_rows_again_when_a_column_holds_another_type_of_value()
    {
        const string sql = "SELECT @number AS number, @label AS label";
        var first = await server.Database.ReadAsync(db => db.QuerySingleOrDefaultAsync<Pair>(sql, new { number = 1L, label = (string?)null }));
        var second = await server.Database.ReadAsync(db => db.QuerySingleOrDefaultAsync<Pair>(sql, new { number = 2.0, label = "two" }));

        Assert.Equal((1L, (string?)null), (first!.Number, first.Label));
        Assert.Equal((2L, "two"), (second!.Number, second.Label));
    }

    [Fact]
    public async Task A_list_parameter_matches_each_of_its_values_and_an_empty_one_matches_nothing()
    {
        var tenant = await server.NewTenantAsync();
        foreach (var userId in new[] { "ann", "bob", "cat" }) await tenant.UpsertUserAsync(userId);
        var anyOf = server.Database.Engine.Dialect.AnyOf("@wanted");

        var found = await server.Database.ReadAsync(db => db.QueryAsync<string>(
            $"SELECT id FROM users WHERE tenant_id = @tenantId AND id {anyOf} ORDER BY id", new { tenantId = tenant.Id, wanted = Wanted }));
        var none = await server.Database.ReadAsync(db => db.QueryAsync<string>(
            $"SELECT id FROM users WHERE tenant_id = @tenantId AND id {anyOf}", new { tenantId = tenant.Id, wanted = Array.Empty<string>() }));

        Assert.Equal(["ann", "cat"], found);
        Assert.Empty(none);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("a\"quote")]
    [InlineData("a\\backslash\\")]
    [InlineData("line\nbreak\ttab\u0001\u001f")]
    [InlineData("\\u0041 stays text")]
    [InlineData("emoji 🎉 and ünïcode")]
    public async Task A_list_parameter_holds_any_text_as_it_is(string text)
    {
        var anyOf = server.Database.Engine.Dialect.AnyOf("@list");
        string[] list = ["before", text, "after"];

        var (found, nearMiss) = await server.Database.ReadAsync(async db => (
            await db.ScalarAsync<bool>($"SELECT @probe {anyOf}", new { probe = text, list }),
            await db.ScalarAsync<bool>($"SELECT @probe {anyOf}", new { probe = text + " ", list })));

        Assert.True(found);
        Assert.False(nearMiss);
    }

    [Fact]
    public async Task A_list_parameter_of_whole_numbers_matches_them_as_numbers()
    {
        var anyOf = server.Database.Engine.Dialect.AnyOf("@list");
        long[] list = [long.MinValue, -1, 0, 42, long.MaxValue];

        var found = await server.Database.ReadAsync(async db =>
        {
            var matches = new List<bool>();
            foreach (var probe in new[] { long.MinValue, -1L, 42L, long.MaxValue, 41L }) matches.Add(await db.ScalarAsync<bool>($"SELECT @probe {anyOf}", new { probe, list }));
            return matches;
        });

        Assert.Equal([true, true, true, true, false], found);
    }

    [Fact]
    public async Task More_than_one_row_where_one_was_expected_fails_and_the_next_session_works()
    {
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            server.Database.ReadAsync(db => db.QuerySingleOrDefaultAsync<long>("SELECT 1 UNION ALL SELECT 2")));
        Assert.Contains("more than one", failure.Message, StringComparison.OrdinalIgnoreCase);

        for (var i = 0; i < 40; i++)
            Assert.Equal(i, await server.Database.ReadAsync(db => db.ScalarAsync<long>("SELECT CAST(@i AS INTEGER)", new { i = (long)i })));
    }

    [Fact]
    public async Task A_failed_write_leaves_the_write_connection_usable_for_the_next_one()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.UpsertUserAsync("dup");

        await Assert.ThrowsAnyAsync<Exception>(() => server.Database.WriteAsync(db => db.ExecuteAsync(
            "INSERT INTO users (tenant_id, id, name, role, search_key, created_at, updated_at) SELECT tenant_id, id, name, role, search_key, created_at, updated_at FROM users WHERE tenant_id = @tenantId",
            new { tenantId = tenant.Id })));
        var renamed = await server.Database.WriteAsync(db => db.ExecuteAsync(
            "UPDATE users SET name = @name WHERE tenant_id = @tenantId AND id = 'dup'", new { tenantId = tenant.Id, name = "after" }));

        Assert.Equal(1, renamed);
        Assert.Equal("after", await server.Database.ReadAsync(db => db.ScalarAsync<string>(
            "SELECT name FROM users WHERE tenant_id = @tenantId AND id = 'dup'", new { tenantId = tenant.Id })));
    }

    [Fact]
    public async Task A_text_of_no_statement_runs_as_nothing_and_the_connections_stay_usable()
    {
        await server.Database.WriteAsync(db => db.ExecuteAsync("-- nothing to do"));
        await server.Database.WriteAsync(db => db.ExecuteAsync("  \n  "));
        await server.Database.ReadAsync(db => db.QueryAsync<long>("/* nothing to read */"));

        Assert.Equal(3, await server.Database.WriteAsync(db => db.ScalarAsync<long>("SELECT CAST(@n AS INTEGER)", new { n = 3L })));
        Assert.Equal(4, await server.Database.ReadAsync(db => db.ScalarAsync<long>("SELECT CAST(@n AS INTEGER)", new { n = 4L })));
    }

    [SqliteFact]
    public async Task A_name_that_only_looks_like_a_parameter_is_left_unbound()
    {
        var value = await server.Database.ReadAsync(db => db.ScalarAsync<long>("SELECT 7 AS \"@x\"", new { x = 1L }));

        Assert.Equal(7, value);
    }

    [Fact]
    public async Task Reads_in_a_batch_each_get_their_own_result_whatever_their_shape()
    {
        var tenant = await server.NewTenantAsync();
        foreach (var userId in new[] { "ann", "bob", "cat" }) await tenant.UpsertUserAsync(userId);
        var anyOf = server.Database.Engine.Dialect.AnyOf("@wanted");

        var (found, count, pair, missing, split, unnamed) = await server.Database.ReadAsync(async db =>
        {
            var batch = db.Batch();
            var foundRead = batch.QueryAsync<string>(
                $"SELECT id FROM users WHERE tenant_id = @tenantId AND id {anyOf} ORDER BY id", new { tenantId = tenant.Id, wanted = Wanted });
            var countRead = batch.ScalarAsync<long>("SELECT COUNT(*) FROM users WHERE tenant_id = @tenantId", new { tenantId = tenant.Id });
            var pairRead = batch.QuerySingleOrDefaultAsync<Pair>("SELECT CAST(@number AS INTEGER) AS number, CAST(@label AS TEXT) AS label",
                new { number = 5L, label = (string?)null });
            var missingRead = batch.QuerySingleOrDefaultAsync<string>("SELECT id FROM users WHERE tenant_id = @tenantId AND id = 'nobody'", new { tenantId = tenant.Id });
            var splitRead = batch.QueryAsync<Pair, Pair, (Pair, Pair?)>(
                """
                SELECT 1 AS number, 'left' AS label, CAST(2 AS INTEGER) AS number, CAST('right' AS TEXT) AS label
                UNION ALL SELECT 3, 'alone', NULL, NULL
                ORDER BY 1
                """, (a, b) => (a, b), null, splitOn: "number");
            // A null argument is sent with its declared type, which PostgreSQL needs where nothing else says it.
            var unnamedRead = batch.ScalarAsync<long>(
                "SELECT COUNT(*) FROM users WHERE tenant_id = @tenantId AND @name IS NULL", new { tenantId = tenant.Id, name = (string?)null });
            await batch.RunAsync();
            return (await foundRead, await countRead, await pairRead, await missingRead, await splitRead, await unnamedRead);
        });

        Assert.Equal(["ann", "cat"], found);
        Assert.Equal(3, count);
        Assert.Equal((5L, (string?)null), (pair!.Number, pair.Label));
        Assert.Null(missing);
        Assert.Equal(2, split.Count);
        Assert.Equal((1L, "left", 2L, "right"), (split[0].Item1.Number, split[0].Item1.Label, split[0].Item2!.Number, split[0].Item2!.Label));
        Assert.Equal((3L, "alone"), (split[1].Item1.Number, split[1].Item1.Label));
        Assert.Null(split[1].Item2);
        Assert.Equal(3, unnamed);
    }

    [Fact]
    public async Task A_failing_statement_fails_its_batch_and_each_of_its_reads_and_the_next_session_works()
    {
        Task<IReadOnlyList<long>>? goodRead = null;
        Task<long>? badRead = null;
        await Assert.ThrowsAnyAsync<Exception>(() => server.Database.ReadAsync(async db =>
        {
            var batch = db.Batch();
            goodRead = batch.QueryAsync<long>("SELECT CAST(@n AS INTEGER)", new { n = 1L });
            badRead = batch.ScalarAsync<long>("SELECT no_such_column FROM users");
            await batch.RunAsync();
            return 0;
        }));

        await Assert.ThrowsAnyAsync<Exception>(() => goodRead!);
        await Assert.ThrowsAnyAsync<Exception>(() => badRead!);
        Assert.Equal(6, await server.Database.ReadAsync(db => db.ScalarAsync<long>("SELECT CAST(@n AS INTEGER)", new { n = 6L })));
    }

    [Fact]
    public async Task A_statement_after_its_batch_ran_is_refused_and_a_batch_runs_once()
    {
        await server.Database.ReadAsync(async db =>
        {
            var batch = db.Batch();
            await batch.RunAsync();

            var late = await Assert.ThrowsAsync<InvalidOperationException>(() => batch.ScalarAsync<long>("SELECT 1"));
            Assert.Contains("after its batch ran", late.Message, StringComparison.Ordinal);
            await Assert.ThrowsAsync<InvalidOperationException>(batch.RunAsync);
            return 0;
        });
    }

    [Fact]
    public async Task A_row_split_onto_two_objects_gives_null_for_the_side_an_outer_join_did_not_find()
    {
        var tenant = await server.NewTenantAsync();
        await tenant.UpsertUserAsync("ann");
        const string sql = """
            SELECT u.id AS label, u.created_at AS number, s.expires_at AS number, s.user_id AS label
            FROM users u LEFT JOIN sessions s ON s.tenant_id = u.tenant_id AND s.user_id = u.id
            WHERE u.tenant_id = @tenantId
            """;

        var rows = await server.Database.ReadAsync(db => db.QueryAsync<Pair, Pair, (Pair User, Pair? Session)>(
            sql, (user, session) => (user, session), new { tenantId = tenant.Id }, splitOn: "number"));

        var (user, session) = Assert.Single(rows);
        Assert.Equal("ann", user.Label);
        Assert.True(user.Number > 0);
        Assert.Null(session);
    }

    [PostgresFact]
    public async Task PostgreSQL_sessions_for_reads_and_writes_compile_no_statement_just_in_time()
    {
        var reading = await server.Database.ReadAsync(db => db.ScalarAsync<string>("SELECT current_setting('jit')"));
        var writing = await server.Database.WriteAsync(db => db.ScalarAsync<string>("SELECT current_setting('jit')"));

        Assert.Equal(("off", "off"), (reading, writing));
    }
}
