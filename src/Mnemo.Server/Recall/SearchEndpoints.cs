using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.ApiKeys;
using Mnemo.Messages;
using Mnemo.Recall;
using Mnemo.Server.Access;
using Mnemo.Server.Paging;
using Mnemo.Server.Problems;
using Mnemo.Users;

namespace Mnemo.Server.Recall;

/// <summary>Recall over messages: a user's search, the tenant's, and the state of the semantic index.</summary>
public static class SearchEndpoints
{
    /// <summary>Maps <c>/api/v1/users/{user_id}/messages/search</c>, <c>/api/v1/messages/search</c> and <c>/api/v1/search/…</c>.</summary>
    public static RouteGroupBuilder MapSearch(this IEndpointRouteBuilder routes)
    {
        var (group, reads, _) = routes.MapTenantGroups("/api/v1/users/{user_id}/messages/search", "Search", userTokensRead: true);
        reads.MapGet("/", SearchUserAsync);
        routes.MapGet("/api/v1/messages/search", SearchTenantAsync).WithTags("Search").RequireTenant(ApiKeyScopes.Admin);
        routes.MapGet("/api/v1/search/status", StatusAsync).WithTags("Search").RequireTenant(ApiKeyScopes.Read);
        routes.MapPost("/api/v1/search/reindex", ReindexAsync).WithTags("Search").RequireTenant(ApiKeyScopes.Admin);
        return group;
    }

    private static async Task<Results<Ok<SearchResponse>, ProblemHttpResult>> SearchUserAsync(
        TenantScope scope, string user_id, [AsParameters] SearchQuery query, [AsParameters] PageRequest request, MessageSearch search, IUserStore users,
        Pages pages, CancellationToken cancellationToken)
    {
        var response = await SearchAsync(scope.TenantId, user_id, query, request, search, pages, cancellationToken);
        if (response.Results.Count == 0 && request.Cursor is null && await users.GetAsync(scope.TenantId, user_id, cancellationToken) is null)
        {
            return ApiProblems.UserNotFound(user_id);
        }
        return TypedResults.Ok(response);
    }

    private static async Task<Ok<SearchResponse>> SearchTenantAsync(
        TenantScope scope, [AsParameters] SearchQuery query, [AsParameters] PageRequest request, MessageSearch search, Pages pages,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await SearchAsync(scope.TenantId, null, query, request, search, pages, cancellationToken));

    private static async Task<SearchResponse> SearchAsync(
        string tenantId, string? userId, SearchQuery query, PageRequest request, MessageSearch search, Pages pages, CancellationToken cancellationToken)
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

    private static async Task<Ok<SearchStatusResponse>> StatusAsync(
        TenantScope scope, IRecallStore recall, Embeddings embeddings, CancellationToken cancellationToken)
    {
        var counts = await recall.CountAsync(scope.TenantId, embeddings.Model ?? string.Empty, cancellationToken);
        return TypedResults.Ok(new SearchStatusResponse
        {
            PendingMessages = counts.Pending,
            IndexedMessages = counts.Indexed,
            Provider = embeddings.Provider,
            Model = embeddings.Model,
            Dimensions = embeddings.Dimensions,
            Semantic = embeddings.State,
        });
    }

    private static async Task<Results<Ok<ReindexResponse>, ProblemHttpResult>> ReindexAsync(
        TenantScope scope, IRecallStore recall, Embeddings embeddings, EmbeddingIndexer indexer, CancellationToken cancellationToken)
    {
        if (embeddings.Model is not { } model)
        {
            throw new SemanticSearchUnavailableException(embeddings.State);
        }
        var queued = await recall.EnqueueMissingAsync(scope.TenantId, model, cancellationToken);
        indexer.Nudge();
        return TypedResults.Ok(new ReindexResponse { Queued = queued });
    }
}
