using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.ApiKeys;
using Mnemo.Messages;
using Mnemo.Recall;
using Mnemo.Server.Access;
using Mnemo.Server.Paging;
using Mnemo.Server.Problems;

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
        TenantScope scope, string user_id, [AsParameters] SearchQuery query, [AsParameters] PageRequest request, SearchPages search,
        CancellationToken cancellationToken) =>
        await search.ForUserAsync(scope.TenantId, user_id, query, request, cancellationToken) is { } response
            ? TypedResults.Ok(response)
            : ApiProblems.UserNotFound(user_id);

    private static async Task<Ok<SearchResponse>> SearchTenantAsync(
        TenantScope scope, [AsParameters] SearchQuery query, [AsParameters] PageRequest request, SearchPages search,
        CancellationToken cancellationToken) =>
        TypedResults.Ok(await search.PageAsync(scope.TenantId, null, query, request, cancellationToken));

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
