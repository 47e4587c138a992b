using Confab.Server.Conversations;
using Confab.Server.Identity;
using Confab.Server.Messages;
using Confab.Server.Tenants;
using Confab.Server.Users;

namespace Confab.Server.Demo;

/// <summary>
/// With <c>Confab:Demo</c> on, makes a demo tenant with a few users and conversations, once: a
/// restart finds it and leaves it (and whatever was chatted in it) alone.
/// </summary>
public sealed class DemoSeeder(TenantService tenants, UserService users, ConversationService conversations, MessageService messages)
{
    public const string TenantId = "demo";

    public static readonly IReadOnlyList<(string Id, string Name)> People =
        [("ava", "Ava Stone"), ("ben", "Ben Okafor"), ("cleo", "Cleo Park"), ("dan", "Dan Ruiz")];

    public async Task SeedAsync()
    {
        if (await tenants.ExistsAsync(TenantId)) return;
        await tenants.CreateAsync("Confab demo", TenantId);
        foreach (var (id, name) in People)
            await users.UpsertAsync(TenantId, id, new UpsertUserRequest(name, id, null, null, null, null, null), baseUrl: "");

        var ava = new UserCaller(TenantId, "ava", false);
        var (team, _) = await conversations.CreateAsync(ava,
            new CreateConversationRequest("group", ["ben", "cleo", "dan"], "Launch team", "Everyone working on the launch", null, null, null, null));
        var (direct, _) = await conversations.CreateAsync(ava, new CreateConversationRequest("direct", ["ben"], null, null, null, null, null, null));

        await SayAsync("ava", team.Id, "Morning all! Launch checklist is in the doc.");
        await SayAsync("cleo", team.Id, "Thanks Ava, I'll take the release notes.");
        await SayAsync("ben", direct.Id, "Got a minute to review my PR?");
    }

    private async Task SayAsync(string userId, string conversationId, string text) =>
        await messages.SendAsync(new Poster(TenantId, userId, false), conversationId, new SendMessageRequest(text, null, null, null, null, null, null));
}
