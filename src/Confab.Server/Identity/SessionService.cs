using Confab.Contracts;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Storage;
using Confab.Server.Users;

namespace Confab.Server.Identity;

public sealed record SessionRequest(string? UserId, long? TtlSeconds);

/// <summary>Session tokens that a tenant backend issues for its users.</summary>
public sealed class SessionService(Database database, SessionStore sessions, UserStore users, SessionRevocations revocations, TimeProvider clock)
{
    public const long DefaultTtlSeconds = 24 * 3600;
    public const long MaxTtlSeconds = 30 * 24 * 3600;

    public async Task<IssuedSession> IssueAsync(string tenantId, SessionRequest request)
    {
        var userId = Check.UserId(request.UserId, "userId");
        var ttl = request.TtlSeconds ?? DefaultTtlSeconds;
        if (ttl < 1 || ttl > MaxTtlSeconds) throw ApiException.Invalid($"ttlSeconds must be between 1 and {MaxTtlSeconds}.");

        return await database.WriteAsync(async db =>
        {
            // Held, so that a session issued while the user is deleted cannot outlive the deletion and open the account of a
            // user later made with the same ID. A tenant deletion, which deletes users before sessions, waits for it too.
            var user = await users.FindHeldAsync(db, tenantId, userId) ?? throw UserService.NotFound();
            var token = Secrets.New("cs_");
            var now = Time.Now(clock);
            var expiresAt = now + ttl * 1000;
            await sessions.InsertAsync(db, tenantId, Ids.New(clock), userId, Secrets.Hash(token), now, expiresAt);
            return new IssuedSession(token, Time.FromMillis(expiresAt), user.ToPrivate());
        });
    }

    public async Task RevokeAllAsync(string tenantId, string userId)
    {
        await database.WriteAsync(async db =>
        {
            _ = await users.FindAsync(db, tenantId, userId) ?? throw UserService.NotFound();
            await sessions.DeleteAllAsync(db, tenantId, userId);
        });
        revocations.Publish(tenantId, userId);
    }
}
