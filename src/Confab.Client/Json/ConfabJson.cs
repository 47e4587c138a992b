using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Confab.Client;

/// <summary>The contract's JSON (camelCase, nulls left out, ISO UTC timestamps), source-generated so the SDK trims and runs AOT.</summary>
internal static class ConfabJson
{
    public static JsonSerializerOptions Options { get; } = new(ConfabJsonContext.Default.Options)
    {
        TypeInfoResolver = ConfabJsonContext.Default.WithAddedModifier(PatchRequest.WriteOnlySetProperties),
    };

    public static JsonTypeInfo<T> Info<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    /// <summary>A body as a JSON object, for requests that add members to it (a socket request's target, a sender).</summary>
    public static JsonObject ToObject<T>(T value) =>
        JsonSerializer.SerializeToNode(value, Info<T>())?.AsObject() ?? throw new ArgumentNullException(nameof(value));
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(UtcTimestampConverter)])]
[JsonSerializable(typeof(User))]
[JsonSerializable(typeof(Page<User>))]
[JsonSerializable(typeof(UpdateUserRequest))]
[JsonSerializable(typeof(UpsertUserRequest))]
[JsonSerializable(typeof(IssuedSession))]
[JsonSerializable(typeof(Conversation))]
[JsonSerializable(typeof(Page<Conversation>))]
[JsonSerializable(typeof(CreateConversationRequest))]
[JsonSerializable(typeof(UpdateConversationRequest))]
[JsonSerializable(typeof(Member))]
[JsonSerializable(typeof(Page<Member>))]
[JsonSerializable(typeof(IReadOnlyList<Member>))]
[JsonSerializable(typeof(UpdateMemberRequest))]
[JsonSerializable(typeof(Message))]
[JsonSerializable(typeof(Page<Message>))]
[JsonSerializable(typeof(SendMessageRequest))]
[JsonSerializable(typeof(ReceiptRequest))]
[JsonSerializable(typeof(ReceiptResult))]
[JsonSerializable(typeof(ReadState))]
[JsonSerializable(typeof(UnreadSummary))]
[JsonSerializable(typeof(EventBatch))]
[JsonSerializable(typeof(MessageDeletedEvent))]
[JsonSerializable(typeof(ConversationDeletedEvent))]
[JsonSerializable(typeof(MemberEvent))]
[JsonSerializable(typeof(UnreadUpdatedEvent))]
[JsonSerializable(typeof(TypingEvent))]
[JsonSerializable(typeof(NotificationEvent))]
[JsonSerializable(typeof(PresenceEvent))]
[JsonSerializable(typeof(Tenant))]
[JsonSerializable(typeof(Page<Tenant>))]
[JsonSerializable(typeof(CreatedTenant))]
[JsonSerializable(typeof(CreatedApiKey))]
[JsonSerializable(typeof(TenantSettings))]
[JsonSerializable(typeof(SettingsPatch))]
[JsonSerializable(typeof(AddMembersBody))]
[JsonSerializable(typeof(EditMessageBody))]
[JsonSerializable(typeof(ReactionBody))]
[JsonSerializable(typeof(ForwardMessageBody))]
[JsonSerializable(typeof(AvatarBody))]
[JsonSerializable(typeof(UploadedAvatarBody))]
[JsonSerializable(typeof(Attachment))]
[JsonSerializable(typeof(SessionBody))]
[JsonSerializable(typeof(TenantNameBody))]
[JsonSerializable(typeof(ProblemBody))]
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class ConfabJsonContext : JsonSerializerContext;
