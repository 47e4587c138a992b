using Confab.Client;
using Confab.Contracts;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Client;

/// <summary>A tenant made through the SDK, with its backend client and shortcuts to clients and sockets of its users.</summary>
public sealed class SdkTenant
{
    private SdkTenant(ConfabServer server, HttpClient http, CreatedTenant tenant)
    {
        Server = server;
        Http = http;
        Id = tenant.Id;
        ApiKey = tenant.ApiKey;
        Backend = new ConfabServerClient(http, tenant.ApiKey);
    }

    public ConfabServer Server { get; }
    public HttpClient Http { get; }
    public string Id { get; }
    public string ApiKey { get; }
    public ConfabServerClient Backend { get; }
    public Uri BaseAddress => Server.ClientOptions.BaseAddress;

    public static async Task<SdkTenant> CreateAsync(ConfabServer server)
    {
        var http = server.CreateClient();
        var created = await new ConfabAdminClient(http, ConfabServer.AdminKey).CreateTenantAsync("SDK tenant");
        return new SdkTenant(server, http, created);
    }

    /// <summary>Creates the user if needed and issues a session token for it.</summary>
    public async Task<string> TokenAsync(string userId, TimeSpan? lifetime = null)
    {
        await Backend.UpsertUserAsync(userId, new UpsertUserRequest { Name = userId });
        return (await Backend.IssueSessionAsync(userId, lifetime)).Token;
    }

    public async Task<ConfabClient> UserAsync(string userId) => new(Http, await TokenAsync(userId));

    /// <summary>A connected socket of the user (connected means caught up).</summary>
    public async Task<ConfabSocket> SocketAsync(string userId, ConfabSocketOptions? options = null) =>
        await ConnectAsync(await TokenAsync(userId), options);

    public async Task<ConfabSocket> ConnectAsync(string token, ConfabSocketOptions? options = null)
    {
        var socket = new ConfabSocket(BaseAddress, token, options);
        await socket.ConnectAsync();
        return socket;
    }

    /// <summary>A new tenant in which ben made a group with ava, who has a token to connect with.</summary>
    public static async Task<(SdkTenant Tenant, ConfabClient Ben, string AvaToken, string Group)> BenWithAvaAsync(ConfabServer server)
    {
        var tenant = await CreateAsync(server);
        var ben = await tenant.UserAsync("ben");
        var avaToken = await tenant.TokenAsync("ava");
        return (tenant, ben, avaToken, await GroupAsync(ben, "ava"));
    }

    public static async Task<string> GroupAsync(ConfabClient owner, params string[] others) =>
        (await owner.Conversations.CreateAsync(new CreateConversationRequest { Type = "group", Title = "Group", ParticipantIds = others })).Conversation.Id;
}
