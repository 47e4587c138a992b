namespace Confab.Client;

/// <summary>
/// Which messages a delivered or read mark covers: the listed <c>MessageIds</c>, everything up to
/// <c>UpToMessageId</c>, or (both unset) everything so far. Marks only move forward.
/// </summary>
public sealed record ReceiptRequest
{
    public IReadOnlyList<string>? MessageIds { get; init; }
    public string? UpToMessageId { get; init; }
}
