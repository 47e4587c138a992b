using Confab.Server.Conversations;
using Confab.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Confab.Tests.Storage;

/// <summary>A read batch made in a write reads as the write does: a row read for update stays locked until the write commits.</summary>
public sealed class WriteBatchTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [PostgresFact]
    public async Task A_conversation_read_through_a_write_batch_is_locked_until_that_write_commits()
    {
        var tenant = await server.NewTenantAsync();
        var owner = (await tenant.SessionsAsync("owner", "other"))[0];
        var conversationId = await tenant.CreateConversationAsync(owner, "group", "other");
        var conversations = server.Services.GetRequiredService<ConversationStore>();
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var holder = server.Database.WriteAsync(async db =>
        {
            try
            {
                var batch = db.Batch();
                var read = conversations.FindAsync(batch, tenant.Id, conversationId);
                await batch.RunAsync();
                Assert.NotNull(await read);
                held.SetResult();
            }
            catch (Exception error)
            {
                held.TrySetException(error);
                throw;
            }
            await release.Task.WaitAsync(Patience);
        });
        try
        {
            await held.Task.WaitAsync(Patience);
            var refused = await Assert.ThrowsAsync<PostgresException>(() => RenameAsync(tenant.Id, conversationId, "SET LOCAL lock_timeout = '200ms';"));
            Assert.Equal(PostgresErrorCodes.LockNotAvailable, refused.SqlState);
        }
        finally
        {
            release.TrySetResult();
        }
        await holder;
        Assert.Equal(1, await RenameAsync(tenant.Id, conversationId, ""));
    }

    private Task<int> RenameAsync(string tenantId, string conversationId, string first) => server.Database.WriteAsync(db => db.ExecuteAsync(
        $"{first} UPDATE conversations SET title = 'renamed' WHERE tenant_id = @tenantId AND id = @conversationId", new { tenantId, conversationId }));
}
