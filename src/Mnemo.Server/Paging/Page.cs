namespace Mnemo.Server.Paging;

/// <summary>One page of a list: its items, and the cursor of the next page when there is one.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextCursor);

/// <summary>
/// A page being read: its scope, its size and the position it resumes after. A store is asked
/// for <see cref="FetchSize"/> items, one more than the page, which tells whether a next page
/// exists without counting.
/// </summary>
public sealed record PageWindow(PageScope Scope, int Size, string? After)
{
    /// <summary>How many items to fetch: one more than the page.</summary>
    public int FetchSize => Size + 1;
}
