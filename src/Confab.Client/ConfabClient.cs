using System.Net.Http.Headers;

namespace Confab.Client;

/// <summary>
/// The client API (<c>/v1</c>) as one end user: users, conversations, members, messages, receipts, uploads and the
/// long-poll event stream. Authenticates with a session token that the tenant backend issued
/// (<see cref="ConfabServerClient.IssueSessionAsync"/>), or as the backend acting for a user
/// (<see cref="ConfabServerClient.ActAs"/>).
/// </summary>
public sealed class ConfabClient
{
    /// <param name="http">A client whose <c>BaseAddress</c> is the Confab server's root URL; it may be shared.</param>
    /// <param name="sessionToken">The user's session token (<c>cs_…</c>).</param>
    public ConfabClient(HttpClient http, string sessionToken)
        : this(new ConfabHttp(http, headers => headers.Authorization = new AuthenticationHeaderValue("Bearer", sessionToken)))
    {
        ArgumentException.ThrowIfNullOrEmpty(sessionToken);
    }

    internal ConfabClient(ConfabHttp http)
    {
        Users = new UsersClient(http);
        Conversations = new ConversationsClient(http);
        Members = new MembersClient(http);
        Messages = new MessagesClient(http);
        Receipts = new ReceiptsClient(http);
        Events = new EventsClient(http);
        Attachments = new AttachmentsClient(http);
    }

    public UsersClient Users { get; }
    public ConversationsClient Conversations { get; }
    public MembersClient Members { get; }
    public MessagesClient Messages { get; }
    public ReceiptsClient Receipts { get; }
    public EventsClient Events { get; }
    public AttachmentsClient Attachments { get; }
}
