using Confab.Contracts;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Identity;

namespace Confab.Server.Users;

public static class UserEndpoints
{
    public static void MapUserEndpoints(this RouteGroupBuilder server, RouteGroupBuilder client)
    {
        server.MapPut("/users/{userId}", async (string userId, UpsertUserRequest body, TenantCaller caller, UserService users, PublicUrls urls, HttpRequest request) =>
            {
                var (user, created) = await users.UpsertAsync(caller.TenantId, userId, body, urls.BaseOf(request));
                return created ? Results.Created($"/server/v1/users/{Uri.EscapeDataString(userId)}", user) : Results.Ok(user);
            })
            .WithSummary("Create (201) or replace (200) a user; avatar: { url } is fetched, { base64 } decoded, and either stored as an image")
            .Produces<User>(200).Produces<User>(201).Fails(409, 413, 415);

        server.MapGet("/users", (string? q, string? cursor, int? limit, TenantCaller caller, UserService users) =>
                users.ListAsync(caller.TenantId, q, cursor, Paging.Limit(limit), viewerId: null))
            .WithSummary("List users, optionally matching q in id, name or username").Fails();

        server.MapGet("/users/{userId}", (string userId, TenantCaller caller, UserService users) => users.GetAsync(caller.TenantId, userId, viewerId: null))
            .WithSummary("Read a user").Fails(404);

        server.MapDelete("/users/{userId}", async (string userId, string? messages, TenantCaller caller, UserService users) =>
            {
                await users.DeleteAsync(caller.TenantId, userId, messages);
                return TypedResults.NoContent();
            })
            .WithSummary("Delete a user and revoke its sessions; messages=keep|anonymize|delete (default anonymize)").Fails(404);

        client.MapGet("/me", (UserCaller caller, UserService users) => users.GetAsync(caller.TenantId, caller.UserId, caller.UserId))
            .WithSummary("The current user").Fails();

        client.MapGet("/users", (string? q, string? cursor, int? limit, UserCaller caller, UserService users) =>
                users.ListAsync(caller.TenantId, q, cursor, Paging.Limit(limit), caller.UserId))
            .WithSummary("Search users of the tenant by id, name or username").Fails();

        client.MapGet("/users/{userId}", (string userId, UserCaller caller, UserService users) =>
                users.GetAsync(caller.TenantId, userId, caller.UserId))
            .WithSummary("Read a user").Fails(404);

        client.MapPatch("/users/{userId}", (string userId, UpdateUserRequest body, UserCaller caller, UserService users, PublicUrls urls, HttpRequest request) =>
                users.UpdateAsync(caller, userId, body, urls.BaseOf(request)))
            .WithSummary("Change one's own name, username, avatarUrl, avatar (an uploaded image) or statusText (tenant admins: anyone's)")
            .Fails(403, 404, 409, 415);
    }
}
