using Confab.Tests.Infrastructure;

namespace Confab.Tests.Users;

/// <summary>API keys and session tokens are stored only as hashes (spec section 2).</summary>
public sealed class SecretStorageTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task No_table_holds_an_api_key_or_a_session_token_in_clear()
    {
        var tenant = await server.NewTenantAsync();
        var extraKey = (await server.AsAdmin().PostJsonAsync($"/admin/v1/tenants/{tenant.Id}/api-keys", null).ExpectJson(201)).Str("apiKey");
        await tenant.UpsertUserAsync("alice");
        var token = (await tenant.Backend.PostJsonAsync("/server/v1/sessions", new { userId = "alice" }).ExpectJson(201)).Str("token");
        await server.WithSession(token).GetAsync("/v1/me").Expect(200);

        var stored = await AllStoredTextAsync();
        Assert.NotEmpty(stored);
        foreach (var secret in new[] { tenant.ApiKey, extraKey, token })
        {
            var secretPart = secret[3..]; // without the ck_/cs_ prefix
            Assert.DoesNotContain(stored, value => value.Contains(secretPart, StringComparison.Ordinal));
        }
    }

    /// <summary>Every non-null value of every table, as text.</summary>
    private async Task<List<string>> AllStoredTextAsync()
    {
        var database = server.Database;
        await using var connection = database.Engine.CreateConnection();
        await connection.OpenAsync();
        var tables = await StoreCatalog.TablesAsync(database.Engine, connection);

        var values = new List<string>();
        foreach (var table in tables)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (!reader.IsDBNull(i)) values.Add(Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture) ?? "");
                }
            }
        }
        return values;
    }
}
