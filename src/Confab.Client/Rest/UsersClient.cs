namespace Confab.Client;

/// <summary>The current user and the users of the tenant (<c>/v1/me</c>, <c>/v1/users</c>).</summary>
public sealed class UsersClient
{
    private readonly ConfabHttp http;

    internal UsersClient(ConfabHttp http) => this.http = http;

    /// <summary>The current user, with its private fields.</summary>
    public Task<User> MeAsync(CancellationToken cancel = default) => http.GetAsync<User>("v1/me", cancel);

    /// <summary>Users of the tenant matching <paramref name="q"/> in ID, name or username (all users when null).</summary>
    public Task<Page<User>> SearchAsync(string? q = null, string? cursor = null, int? limit = null, CancellationToken cancel = default) =>
        http.GetAsync<Page<User>>($"v1/users{new QueryString().Add("q", q).Add("cursor", cursor).Add("limit", limit)}", cancel);

    public Task<User> GetAsync(string userId, CancellationToken cancel = default) =>
        http.GetAsync<User>($"v1/users/{ConfabHttp.Segment(userId)}", cancel);

    /// <summary>Changes one's own profile (tenant admins: anyone's).</summary>
    public Task<User> UpdateAsync(string userId, UpdateUserRequest changes, CancellationToken cancel = default) =>
        http.SendAsync<User>(HttpMethod.Patch, $"v1/users/{ConfabHttp.Segment(userId)}", ConfabHttp.Json(changes), cancel);
}
