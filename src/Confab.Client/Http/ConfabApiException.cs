namespace Confab.Client;

/// <summary>
/// The server refused a request: <see cref="Code"/> is its upper-snake machine code (e.g. <c>NOT_A_MEMBER</c>)
/// and <see cref="Exception.Message"/> its human-readable message.
/// </summary>
public sealed class ConfabApiException(int? status, string code, string message) : Exception(message)
{
    /// <summary>The HTTP status; null when the refusal came as an error frame on the socket.</summary>
    public int? Status { get; } = status;

    public string Code { get; } = code;
}
