using Mnemo.Messages;
using Mnemo.Server.Paging;
using Mnemo.Server.Problems;
using Mnemo.Users;

namespace Mnemo.Server.Recall;

/// <summary>
/// A page of search results as a client asks for it, the one way the HTTP API and the MCP tools
/// do it: the parameters checked, the cursor read, the page ranked (<see cref="MessageSearch"/>),
/// the next cursor made.
/// </summary>
public sealed class SearchPages(MessageSearch search, Pages pages, IUserStore users)
{
    /// <summary>A page of the user's results; null when the user does not exist.</summary>
    public async Task<SearchResponse?> ForUserAsync(
        string tenantId, string userId, SearchQuery query, PageRequest request, CancellationToken cancellationToken)
    {
        var response = await PageAsync(tenantId, userId, query, request, cancellationToken);
        return response.Results.Count == 0 && request.Cursor is null && await users.GetAsync(tenantId, userId, cancellationToken) is null
            ? null
            : response;
    }

    /// <summary>A page of the user's results, or of the tenant's when <paramref name="userId"/> is null.</summary>
    public async Task<SearchResponse> PageAsync(
        string tenantId, string? userId, SearchQuery query, PageRequest request, CancellationToken cancellationToken)
    {
        var (question, mode, filter) = query.Validate();
        // A ranking has no stable key to resume after: it is read by offset. The question, mode and
        // filter are part of the cursor's scope, so a cursor from another search does not decode.
        var window = pages.Open(request, new PageScope($"search:{mode}:{filter}:{question}", tenantId, userId));
        var offset = 0;
        if (window.After is { } after && !Positions.TryOffset(after, out offset))
        {
            throw ApiProblems.InvalidCursor();
        }
        if (offset + window.Size > MessageSearch.MaxDepth)
        {
            throw ApiProblems.InvalidField("cursor", $"a search pages through its best {MessageSearch.MaxDepth} results; ask a narrower question");
        }
        var outcome = await search.SearchAsync(tenantId, userId, question, mode, filter, offset, window.Size, cancellationToken);
        return new SearchResponse
        {
            Results = outcome.Results,
            NextCursor = outcome.HasMore ? pages.Cursor(window, Positions.Offset(offset + window.Size)) : null,
            Mode = outcome.Mode,
            Semantic = outcome.Semantic,
        };
    }
}
