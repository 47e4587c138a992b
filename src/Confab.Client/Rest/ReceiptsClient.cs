namespace Confab.Client;

/// <summary>Delivered and read marks, read state and unread counts.</summary>
public sealed class ReceiptsClient
{
    private readonly ConfabHttp http;

    internal ReceiptsClient(ConfabHttp http) => this.http = http;

    /// <summary>Marks messages read (everything so far when <paramref name="request"/> is null).</summary>
    public Task<ReceiptResult> MarkReadAsync(string conversationId, ReceiptRequest? request = null, CancellationToken cancel = default) =>
        MarkAsync(conversationId, "read", request, cancel);

    /// <summary>Marks messages delivered (everything so far when <paramref name="request"/> is null).</summary>
    public Task<ReceiptResult> MarkDeliveredAsync(string conversationId, ReceiptRequest? request = null, CancellationToken cancel = default) =>
        MarkAsync(conversationId, "delivered", request, cancel);

    /// <summary>Each member's read and delivered position in the conversation.</summary>
    public Task<ReadState> GetReadStateAsync(string conversationId, CancellationToken cancel = default) =>
        http.GetAsync<ReadState>($"v1/conversations/{ConfabHttp.Segment(conversationId)}/read-state", cancel);

    /// <summary>The caller's unread counts, in total and by conversation.</summary>
    public Task<UnreadSummary> GetUnreadAsync(CancellationToken cancel = default) => http.GetAsync<UnreadSummary>("v1/unread", cancel);

    private Task<ReceiptResult> MarkAsync(string conversationId, string mark, ReceiptRequest? request, CancellationToken cancel) =>
        http.SendAsync<ReceiptResult>(HttpMethod.Post, $"v1/conversations/{ConfabHttp.Segment(conversationId)}/{mark}",
            ConfabHttp.Json(request ?? new ReceiptRequest()), cancel);
}
