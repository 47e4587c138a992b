using System.Text.Json.Serialization;

namespace Confab.Contracts;

/// <summary>
/// A page of a list: <c>{ items, nextCursor }</c>. Pass <see cref="NextCursor"/> back to get the next page; it is
/// null (and written as null) on the last one.
/// </summary>
public sealed record Page<T>(IReadOnlyList<T> Items, [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? NextCursor);
