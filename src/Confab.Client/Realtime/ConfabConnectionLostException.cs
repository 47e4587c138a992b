namespace Confab.Client;

/// <summary>
/// The connection dropped before the server answered a request, so it may or may not have been carried out.
/// Retrying is safe for idempotent requests (a message with the same <c>ClientMessageId</c>, receipts, typing).
/// </summary>
public sealed class ConfabConnectionLostException(string message, Exception? inner = null) : Exception(message, inner);
