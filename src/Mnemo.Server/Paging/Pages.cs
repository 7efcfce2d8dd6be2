using Microsoft.Extensions.Options;
using Mnemo.Server.Hosting;
using Mnemo.Server.Problems;

namespace Mnemo.Server.Paging;

/// <summary>
/// Paging for every cursor-paged list: one page size rule (the configured default and maximum),
/// one cursor format (<see cref="CursorCodec"/>) and one way to cut a fetched page.
/// </summary>
public sealed class Pages(IOptions<MnemoOptions> options, CursorCodec cursors)
{
    /// <summary>Opens the page <paramref name="request"/> asks for; 400 for a bad limit or a cursor not issued for <paramref name="scope"/>.</summary>
    public PageWindow Open(PageRequest request, PageScope scope) => Open(request, scope, options.Value.Limits.MaxPageSize);

    /// <summary>As <see cref="Open(PageRequest, PageScope)"/>, for a list whose pages hold at most <paramref name="maxSize"/> items.</summary>
    public PageWindow Open(PageRequest request, PageScope scope, int maxSize)
    {
        var size = Size(request.Limit, maxSize);
        if (request.Cursor is null)
        {
            return new PageWindow(scope, size, After: null);
        }
        return cursors.TryDecode(scope, request.Cursor, out var position)
            ? new PageWindow(scope, size, position)
            : throw ApiProblems.InvalidCursor();
    }

    /// <summary>
    /// The page of <paramref name="fetched"/> (read with <see cref="PageWindow.FetchSize"/>), with a
    /// cursor after its last item, by <paramref name="positionOf"/>, when there is more.
    /// </summary>
    public Page<T> Cut<T>(PageWindow window, IReadOnlyList<T> fetched, Func<T, string> positionOf)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(fetched);
        ArgumentNullException.ThrowIfNull(positionOf);
        if (fetched.Count <= window.Size)
        {
            return new Page<T>(fetched, NextCursor: null);
        }
        var shown = fetched.Take(window.Size).ToList();
        return new Page<T>(shown, cursors.Encode(window.Scope, positionOf(shown[^1])));
    }

    /// <summary>The cursor that resumes <paramref name="window"/>'s list after <paramref name="position"/>, for lists that cut their own pages.</summary>
    public string Cursor(PageWindow window, string position)
    {
        ArgumentNullException.ThrowIfNull(window);
        return cursors.Encode(window.Scope, position);
    }

    /// <summary>The page size for a requested <paramref name="limit"/>; 400 when it is out of range.</summary>
    public int Size(int? limit) => Size(limit, options.Value.Limits.MaxPageSize);

    private int Size(int? limit, int maxSize)
    {
        if (limit is null)
        {
            return Math.Min(options.Value.Limits.DefaultPageSize, maxSize);
        }
        return limit >= 1 && limit <= maxSize
            ? limit.Value
            : throw ApiProblems.InvalidField("limit", $"must be between 1 and {maxSize}");
    }
}
