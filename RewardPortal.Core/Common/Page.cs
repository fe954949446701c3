namespace RewardPortal.Core.Common;

/// <summary>One page of a server-paged list and the total it is a page of.</summary>
public record Page<T>(IReadOnlyList<T> Items, int Total);
