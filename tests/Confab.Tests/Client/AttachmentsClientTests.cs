using Confab.Client;
using Confab.Tests.Attachments;
using Confab.Tests.Infrastructure;

namespace Confab.Tests.Client;

public sealed class AttachmentsClientTests(ConfabServer server) : IClassFixture<ConfabServer>
{
    [Fact]
    public async Task Upload_send_and_use_as_avatars()
    {
        var tenant = await SdkTenant.CreateAsync(server);
        var (ava, _) = (await tenant.UserAsync("ava"), await tenant.UserAsync("ben"));
        var group = await ava.Conversations.CreateAsync(new CreateConversationRequest { Type = "group", ParticipantIds = ["ben"], Title = "Photos" });
        var photo = TestFiles.Png(32, 16);

        var uploaded = await ava.Attachments.UploadAsync(new MemoryStream(photo), "photo.png",
            new UploadOptions { ConversationId = group.Conversation.Id, Caption = "sunset", Thumbnail = new MemoryStream(TestFiles.Png(4, 2)) });
        Assert.Equal(("image", "image/png", 32, 16, "sunset"), (uploaded.Type, uploaded.MimeType, uploaded.Width, uploaded.Height, uploaded.Caption));

        var sent = await ava.Messages.SendAsync(group.Conversation.Id, new SendMessageRequest { Attachments = [uploaded.Id] });
        Assert.Equal("media", sent.Message.Kind);
        Assert.Equal(photo, await server.FetchBytesAsync(Assert.Single(sent.Message.Attachments).Url));

        var me = await ava.Users.UpdateAsync("ava", new UpdateUserRequest { Avatar = new AttachmentReference(uploaded.Id) });
        Assert.Equal(photo, await server.FetchBytesAsync(me.AvatarUrl!));
        var withAvatar = await ava.Conversations.SetAvatarFromUploadAsync(group.Conversation.Id, uploaded.Id);
        Assert.Equal(me.AvatarUrl, withAvatar.AvatarUrl);

        var cleo = await tenant.Backend.UpsertUserAsync("cleo", new UpsertUserRequest { Name = "Cleo", Avatar = new AvatarSource { Base64 = Convert.ToBase64String(photo) } });
        Assert.Equal(me.AvatarUrl, cleo.User.AvatarUrl);

        var refused = await Assert.ThrowsAsync<ConfabApiException>(() => ava.Attachments.UploadAsync(new MemoryStream(TestFiles.Executable()), "cat.png"));
        Assert.Equal((415, "UNSUPPORTED_MEDIA_TYPE"), (refused.Status, refused.Code));
    }
}
