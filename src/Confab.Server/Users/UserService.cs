using System.Text.RegularExpressions;
using Confab.Contracts;
using Confab.Server.Attachments;
using Confab.Server.Conversations;
using Confab.Server.Hosting;
using Confab.Server.Http;
using Confab.Server.Identity;
using Confab.Server.Messages;
using Confab.Server.Realtime;
using Confab.Server.Storage;
using Confab.Server.Tenants;

namespace Confab.Server.Users;

/// <summary>Users of a tenant: upserted by its backend, searched and partly edited by its users.</summary>
public sealed partial class UserService(
    Database database, UserStore users, SessionStore sessions, ConversationStore conversations, MemberService members,
    MessageService messages, MessageStore messageStore, AvatarService avatars, AttachmentStore attachments, TenantService tenants,
    SessionRevocations revocations, PresenceService presence, TimeProvider clock)
{
    public const string AnonymousPrefix = "~deleted~";
    public const string DeletedUserName = "Deleted user";

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}\\z")]
    private static partial Regex UsernamePattern();

    /// <summary>Creates or replaces a user; an <c>avatar</c> to fetch or decode is stored first, and linked under <paramref name="baseUrl"/>.</summary>
    public async Task<(User User, bool Created)> UpsertAsync(string tenantId, string userId, UpsertUserRequest request, string baseUrl)
    {
        Check.UserId(userId, "userId");
        if (request.Avatar is not null && request.AvatarUrl is not null) throw ApiException.Invalid("Send avatarUrl or avatar, not both.");
        var name = Check.Required(request.Name, "name", 200).Trim();
        var username = ValidUsername(request.Username);
        var email = Check.OptionalText(request.Email, "email", 320);
        if (email is not null && !email.Contains('@', StringComparison.Ordinal)) throw ApiException.Invalid("email must be an e-mail address.");
        var avatarUrl = Check.HttpUrl(request.AvatarUrl, "avatarUrl");
        var role = request.Role is null ? UserRoles.User : Check.OneOf(request.Role, "role", UserRoles.All);
        var metadata = Check.Metadata(request.Metadata);
        var storedAvatar = request.Avatar is null ? null : await avatars.StoreAsync(tenantId, request.Avatar);

        return await database.WriteAsync(async db =>
        {
            if (username is not null && await users.UsernameTakenAsync(db, tenantId, username, userId))
                throw ApiException.Conflict(ErrorCodes.UsernameTaken, "Another user has this username.");
            var now = Time.Now(clock);
            var existing = await users.FindAnyForUpdateAsync(db, tenantId, userId);
            var created = existing is not { DeletedAt: null };
            if (storedAvatar is not null) avatarUrl = await avatars.UseAsync(db, tenantId, AvatarOwners.User(userId), storedAvatar, baseUrl);
            else await avatars.ClearAsync(db, tenantId, AvatarOwners.User(userId));
            var row = new UserRow
            {
                TenantId = tenantId, Id = userId, Name = name, Username = username, Email = email, AvatarUrl = avatarUrl,
                StatusText = created ? null : existing!.StatusText, Role = role, Metadata = metadata,
                CreatedAt = created ? now : existing!.CreatedAt, UpdatedAt = now,
            };
            if (existing is null) await users.InsertAsync(db, row);
            else await users.UpdateAsync(db, row);
            await tenants.HoldAsync(db, tenantId);
            return (row.ToPrivate(), created);
        });
    }

    /// <summary>Users matching <paramref name="query"/>, as <paramref name="viewerId"/> sees them (null: the tenant backend).</summary>
    public async Task<Page<User>> ListAsync(string tenantId, string? query, string? cursor, int limit, string? viewerId)
    {
        Check.Length(query, "q", 200);
        var list = $"users:{(viewerId is null ? "server" : "client")}:{query}";
        var afterId = cursor is null ? null : Cursor.Decode(list, cursor, 1)[0];
        var rows = await database.ReadAsync(db => users.SearchAsync(db, tenantId, query, afterId, limit + 1));
        return Paging.From(rows, limit, r => presence.Apply(tenantId, Shape(r, viewerId), viewerId), r => Cursor.Encode(list, r.Id));
    }

    /// <summary>A live user as <paramref name="viewerId"/> sees it (null: the tenant backend).</summary>
    public async Task<User> GetAsync(string tenantId, string userId, string? viewerId)
    {
        var row = await database.ReadAsync(db => users.FindAsync(db, tenantId, userId)) ?? throw NotFound();
        return presence.Apply(tenantId, Shape(row, viewerId), viewerId);
    }

    /// <summary>The private view (with e-mail) for the tenant backend and for the user itself; the public one for others.</summary>
    private static User Shape(UserRow row, string? viewerId) => viewerId is null || viewerId == row.Id ? row.ToPrivate() : row.ToPublic();

    /// <summary>Changes a profile; an <c>avatar</c> (an image the caller uploaded) is linked under <paramref name="baseUrl"/>.</summary>
    public async Task<User> UpdateAsync(UserCaller caller, string userId, UpdateUserRequest request, string baseUrl)
    {
        if (userId != caller.UserId && !caller.IsTenantAdmin)
            throw ApiException.Forbidden(ErrorCodes.Forbidden, "You can only change your own profile.");
        if (request.Avatar is not null && request.AvatarUrl is not null) throw ApiException.Invalid("Send avatarUrl or avatar, not both.");
        var name = request.Has(nameof(request.Name)) ? Check.Required(request.Name, "name", 200).Trim() : null;
        var username = ValidUsername(request.Username);
        var avatarUrl = Check.HttpUrl(request.AvatarUrl, "avatarUrl");
        var statusText = Check.OptionalText(request.StatusText, "statusText", 200);

        return await database.WriteAsync(async db =>
        {
            var row = await users.FindAnyForUpdateAsync(db, caller.TenantId, userId) is { DeletedAt: null } live ? live : throw NotFound();
            if (username is not null && await users.UsernameTakenAsync(db, caller.TenantId, username, userId))
                throw ApiException.Conflict(ErrorCodes.UsernameTaken, "Another user has this username.");
            var updated = new UserRow
            {
                TenantId = row.TenantId, Id = row.Id, Role = row.Role, Email = row.Email, Metadata = row.Metadata, CreatedAt = row.CreatedAt,
                Name = name ?? row.Name,
                Username = request.Has(nameof(request.Username)) ? username : row.Username,
                AvatarUrl = request.Avatar is not null || request.Has(nameof(request.AvatarUrl))
                    ? await avatars.ChangeAsync(db, caller.TenantId, AvatarOwners.User(userId), caller.UserId, request.Avatar, avatarUrl, baseUrl)
                    : row.AvatarUrl,
                StatusText = request.Has(nameof(request.StatusText)) ? statusText : row.StatusText,
                UpdatedAt = Time.Now(clock),
            };
            await users.UpdateAsync(db, updated);
            return userId == caller.UserId ? updated.ToPrivate() : updated.ToPublic();
        });
    }

    /// <summary>
    /// Deletes the user: sessions revoked, memberships ended, messages kept, anonymized or deleted.
    /// Anonymized and deleted messages move to a placeholder sender that no tenant user ID can name
    /// (<c>~</c> is not allowed in them), so a user later created with the same ID does not inherit them.
    /// </summary>
    public async Task DeleteAsync(string tenantId, string userId, string? messagesMode)
    {
        var mode = messagesMode is null ? DeletedMessages.Anonymize : Check.OneOf(messagesMode, "messages", DeletedMessages.All);
        await database.WriteAsync(async db =>
        {
            if (await users.FindAnyForUpdateAsync(db, tenantId, userId) is not { DeletedAt: null }) throw NotFound();
            await sessions.DeleteAllAsync(db, tenantId, userId);
            await conversations.ForgetDirectPairsAsync(db, tenantId, userId);
            await members.RemoveEverywhereAsync(db, tenantId, userId);
            if (mode == DeletedMessages.Delete) await messages.TombstoneAllBySenderAsync(db, tenantId, userId);
            var now = Time.Now(clock);
            if (mode != DeletedMessages.Keep)
            {
                var placeholder = new UserRow
                {
                    TenantId = tenantId, Id = AnonymousPrefix + Ids.New(clock), Name = DeletedUserName, Role = UserRoles.User,
                    CreatedAt = now, UpdatedAt = now, DeletedAt = now,
                };
                await users.InsertAsync(db, placeholder);
                await messageStore.ReassignSenderAsync(db, tenantId, userId, placeholder.Id);
                await attachments.ReassignUploaderAsync(db, tenantId, userId, placeholder.Id);
                await avatars.ClearAsync(db, tenantId, AvatarOwners.User(userId));
            }
            await users.MarkDeletedAsync(db, tenantId, userId, anonymize: mode != DeletedMessages.Keep, now);
            // The placeholder is a new row: a tenant deletion's sweep of users that waited for this one would not see it.
            if (mode != DeletedMessages.Keep) await tenants.HoldAsync(db, tenantId);
        });
        revocations.Publish(tenantId, userId);
    }

    private static string? ValidUsername(string? username)
    {
        if (string.IsNullOrEmpty(username)) return null;
        if (!UsernamePattern().IsMatch(username)) throw ApiException.Invalid("username must be 1 to 64 characters of A-Z a-z 0-9 _ . -");
        return username;
    }

    public static ApiException NotFound() => ApiException.NotFound(ErrorCodes.UserNotFound, "No such user.");
}
