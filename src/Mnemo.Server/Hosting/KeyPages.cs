using Mnemo.Paging;
using Mnemo.Server.Problems;

namespace Mnemo.Server.Hosting;

/// <summary>
/// Paging by key for lists ordered by an id: the store is asked for one row more than the page,
/// which tells whether there is a next page without counting.
/// </summary>
public static class KeyPages
{
    /// <summary>The key to resume after (null for the first page); 400 when the cursor is not one this server issued.</summary>
    public static string? After(string? cursor) =>
        Cursor.TryDecode(cursor, out var after) ? after : throw ApiProblems.InvalidCursor();

    /// <summary>The rows to show from a fetch of <paramref name="pageSize"/> + 1, and the cursor after the last when there are more.</summary>
    public static (IReadOnlyList<T> Shown, string? NextCursor) Trim<T>(IReadOnlyList<T> fetched, int pageSize, Func<T, string> key)
    {
        ArgumentNullException.ThrowIfNull(fetched);
        ArgumentNullException.ThrowIfNull(key);
        if (fetched.Count <= pageSize)
        {
            return (fetched, null);
        }
        var shown = fetched.Take(pageSize).ToList();
        return (shown, Cursor.Encode(key(shown[^1])));
    }
}
