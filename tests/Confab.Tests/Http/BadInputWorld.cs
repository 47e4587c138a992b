using System.Data.Common;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Http;

/// <summary>
/// A small tenant for one bad-input case: Alice (owner), Bob and Carol in a group with a message from
/// each of Alice and Bob, a second group (the forward target) with a message of its own, and Dave, who
/// belongs to neither. <see cref="SnapshotAsync"/> captures everything the tenant holds, so a case can
/// prove its request changed nothing.
/// </summary>
public sealed class BadInputWorld
{
    private readonly ConfabServer server;

    private BadInputWorld(ConfabServer server, TestTenant tenant, HttpClient alice, HttpClient bob, string group, string target, string m1, string m2, string t1)
    {
        this.server = server;
        Tenant = tenant;
        Alice = alice;
        Bob = bob;
        Group = group;
        Target = target;
        M1 = m1;
        M2 = m2;
        T1 = t1;
    }

    public TestTenant Tenant { get; }
    public HttpClient Alice { get; }
    public HttpClient Bob { get; }
    public string Group { get; }
    public string Target { get; }
    public string M1 { get; }
    public string M2 { get; }
    public string T1 { get; }

    public static async Task<BadInputWorld> CreateAsync(ConfabServer server)
    {
        var tenant = await server.NewTenantAsync("Bad input tenant");
        var alice = await tenant.SessionAsync("alice");
        var bob = await tenant.SessionAsync("bob");
        await tenant.UpsertUserAsync("carol");
        await tenant.UpsertUserAsync("dave");
        var group = await tenant.CreateConversationAsync(alice, "group", "bob", "carol");
        var target = await tenant.CreateConversationAsync(alice, "group", "bob");
        var m1 = (await tenant.SendAsync(alice, group, "hello from alice")).Str("id");
        var m2 = (await tenant.SendAsync(bob, group, "hello from bob")).Str("id");
        var t1 = (await tenant.SendAsync(bob, target, "over in the target")).Str("id");
        return new BadInputWorld(server, tenant, alice, bob, group, target, m1, m2, t1);
    }

    public string Fill(string template) => template
        .Replace("$tenant", Tenant.Id, StringComparison.Ordinal)
        .Replace("$group", Group, StringComparison.Ordinal)
        .Replace("$target", Target, StringComparison.Ordinal)
        .Replace("$m1", M1, StringComparison.Ordinal)
        .Replace("$m2", M2, StringComparison.Ordinal)
        .Replace("$t1", T1, StringComparison.Ordinal);

    public HttpClient ClientFor(BadInputCaller caller) => caller switch
    {
        BadInputCaller.Admin => server.AsAdmin(),
        BadInputCaller.Backend => Tenant.Backend,
        _ => Alice,
    };

    /// <summary>
    /// A client that waits up to 30 s for the server's answer to "Expect: 100-continue" (the default is 1 s), so a
    /// slow machine never starts streaming the oversized body into a connection the server is closing.
    /// </summary>
    private HttpClient PatientClientFor(BadInputCaller caller)
    {
        var client = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = TimeSpan.FromSeconds(30) })
        {
            BaseAddress = server.ClientOptions.BaseAddress,
        };
        foreach (var header in ClientFor(caller).DefaultRequestHeaders) client.DefaultRequestHeaders.TryAddWithoutValidation(header.Key, header.Value);
        return client;
    }

    /// <summary>Sends the case's request: its body as given (raw bytes when asked), with its content type.</summary>
    public Task<HttpResponseMessage> SendAsync(BadInputEndpoint endpoint, BadInputCase @case)
    {
        var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), Fill(@case.Url ?? endpoint.Url));
        var body = Fill(@case.Body);
        if (@case.Utf8Bytes)
        {
            request.Content = new ByteArrayContent(BadInputTable.ToBytes(body, rawLatinMarkers: true));
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=utf-8");
        }
        else if (body.Length == 0 || @case.ContentType.Contains(';', StringComparison.Ordinal))
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(@case.ContentType);
        }
        else
        {
            request.Content = new StringContent(body, Encoding.UTF8, @case.ContentType);
        }
        // An oversized body is offered with "Expect: 100-continue": the server answers 413 before the
        // client sends the body, instead of the client writing into a connection the server has closed.
        if (body.Length <= 1024 * 1024) return ClientFor(endpoint.Caller).SendAsync(request);
        request.Headers.ExpectContinue = true;
        return PatientClientFor(endpoint.Caller).SendAsync(request);
    }

    /// <summary>Asserts a problem response with one of the case's statuses, never a 5xx.</summary>
    public static async Task ExpectProblemAsync(HttpResponseMessage response, BadInputCase @case)
    {
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        Assert.True(@case.Statuses.Contains(status),
            $"Expected {string.Join(" or ", @case.Statuses)} but got {status}: {Shorten(text)}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement;
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("message").GetString()), "a problem needs a message");
        Assert.Matches("^[A-Z][A-Z0-9_]*$", problem.GetProperty("code").GetString()!);
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()), "a problem needs a title");
    }

    /// <summary>
    /// Every row the tenant holds in every table (and every tenant row, so a created tenant shows),
    /// and the main reads of the API, keyed by what they are.
    /// </summary>
    public async Task<SortedDictionary<string, string>> SnapshotAsync()
    {
        var snapshot = new SortedDictionary<string, string>(StringComparer.Ordinal);
        await DumpTablesAsync(snapshot);

        var reads = new (string Name, HttpClient Client, string Url)[]
        {
            ("admin tenant", server.AsAdmin(), $"/admin/v1/tenants/{Tenant.Id}"),
            ("settings", Tenant.Backend, "/server/v1/settings"),
            ("users", Tenant.Backend, "/server/v1/users?limit=200"),
            ("alice me", Alice, "/v1/me"),
            ("alice conversations", Alice, "/v1/conversations?limit=200"),
            ("group detail", Alice, $"/v1/conversations/{Group}"),
            ("group members", Alice, $"/v1/conversations/{Group}/members?limit=200"),
            ("group messages", Alice, $"/v1/conversations/{Group}/messages?limit=200"),
            ("target messages", Alice, $"/v1/conversations/{Target}/messages?limit=200"),
            ("group read-state", Alice, $"/v1/conversations/{Group}/read-state"),
            ("alice unread", Alice, "/v1/unread"),
            ("bob unread", Bob, "/v1/unread"),
        };
        foreach (var (name, client, url) in reads)
        {
            var response = await client.GetAsync(url);
            snapshot["GET " + name] = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }
        return snapshot;
    }

    public static void AssertUnchanged(SortedDictionary<string, string> before, SortedDictionary<string, string> after)
    {
        Assert.Equal(before.Keys, after.Keys);
        foreach (var (key, value) in before)
            Assert.True(value == after[key], $"{key} changed:\n before: {Shorten(value)}\n after:  {Shorten(after[key])}");
    }

    private async Task DumpTablesAsync(SortedDictionary<string, string> snapshot)
    {
        var database = server.Database;
        await using var connection = database.Engine.CreateConnection();
        await connection.OpenAsync();

        var tables = await StoreCatalog.TablesAsync(database.Engine, connection);

        // The nodes' leases are renewed by heartbeats whatever the requests do.
        foreach (var table in tables.Where(t => t != "nodes"))
        {
            await using var command = connection.CreateCommand();
            var hasTenant = await StoreCatalog.HasColumnAsync(database.Engine, connection, table, "tenant_id");
            // No ORDER BY rowid: some tables (FTS5's own) have none; the rows are sorted below instead.
            command.CommandText = hasTenant
                ? $"SELECT * FROM \"{table}\" WHERE tenant_id = @tenant"
                : $"SELECT * FROM \"{table}\"";
            if (hasTenant)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = "tenant";
                parameter.Value = Tenant.Id;
                command.Parameters.Add(parameter);
            }
            var rows = new List<string>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var row = new StringBuilder();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.IsDBNull(i) ? "NULL" : reader.GetValue(i) is byte[] bytes ? Convert.ToHexString(bytes) : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
                    row.Append(reader.GetName(i)).Append('=').Append(value).Append(i + 1 < reader.FieldCount ? ", " : "");
                }
                rows.Add(row.ToString());
            }
            snapshot["table " + table] = string.Join('\n', rows.Order(StringComparer.Ordinal));
        }
    }

    private static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + $"... ({text.Length} chars)";
}
