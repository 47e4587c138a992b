namespace Confab.Client;

/// <summary>A page of a list; pass <see cref="NextCursor"/> back to get the next one (null on the last page).</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);
