using Confab.Server.Conversations;
using Confab.Server.Storage;
using Confab.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Confab.Tests.Storage;

/// <summary>A read batch made in a write reads as the write does: a row read for update stays locked until the write commits.</summary>
public sealed class WriteBatchTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    private Database Database => server.Services.GetRequiredService<Database>();

    [PostgresFact]
    public async Task A_conversation_read_through_a_write_batch_is_locked_until_that_write_commits()
    {
        var tenant = await server.NewTenantAsync();
        var owner = (await tenant.SessionsAsync("owner", "other"))[0];
        var conversationId = await tenant.CreateConversationAsync(owner, "group", "other");
        var conversations = server.Services.GetRequiredService<ConversationStore>();
        var held = new TaskCompletionSource();
        var release = new TaskCompletionSource();

        var holder = Database.WriteAsync(async db =>
        {
            var batch = db.Batch();
            var read = conversations.FindAsync(batch, tenant.Id, conversationId);
            await batch.RunAsync();
            Assert.NotNull(await read);
            held.SetResult();
            await release.Task;
        });
        await held.Task;
        var rename = Database.WriteAsync(db => db.ExecuteAsync(
            "UPDATE conversations SET title = 'renamed' WHERE tenant_id = @tenantId AND id = @conversationId", new { tenantId = tenant.Id, conversationId }));
        await Task.Delay(TimeSpan.FromMilliseconds(300));

        Assert.False(rename.IsCompleted, "the rename did not wait for the write that read the conversation for update");
        release.SetResult();
        await holder;
        Assert.Equal(1, await rename);
    }
}
