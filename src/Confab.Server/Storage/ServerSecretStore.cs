namespace Confab.Server.Storage;

/// <summary>Secrets every node of the server shares (the database is what they have in common), such as signing keys.</summary>
public sealed class ServerSecretStore
{
    /// <summary>The value of a server-wide secret, created from <paramref name="candidate"/> by whichever node asks first.</summary>
    public async Task<string> SecretAsync(DbSession db, string name, string candidate)
    {
        await db.ExecuteAsync("INSERT INTO server_secrets (name, value) VALUES (@name, @candidate) ON CONFLICT (name) DO NOTHING", new { name, candidate });
        return await db.ScalarAsync<string>("SELECT value FROM server_secrets WHERE name = @name", new { name });
    }
}
