using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.Insights;
using Mnemo.Server.Access;
using Mnemo.Server.Json;
using Mnemo.Server.Paging;
using Mnemo.Server.Problems;

namespace Mnemo.Server.Insights;

/// <summary>Seed 002's user insights, at the seed's paths.</summary>
public static class InsightEndpoints
{
    /// <summary>Maps <c>/api/v1/insights/{user_id}</c>.</summary>
    public static RouteGroupBuilder MapInsights(this IEndpointRouteBuilder routes)
    {
        var (group, reads, writes) = routes.MapTenantGroups("/api/v1/insights/{user_id}", "Insights");
        writes.MapPost("/", CreateAsync).Accepts<CreateInsightRequest>("application/json");
        reads.MapGet("/", ListAsync);
        reads.MapGet("/topics", TopicsAsync);
        writes.MapDelete("/{insight_id}", DeleteAsync);
        return group;
    }

    private static async Task<Results<Created<Insight>, ProblemHttpResult>> CreateAsync(
        TenantScope scope, string user_id, JsonBody<CreateInsightRequest> body, InsightWriter writer, CancellationToken cancellationToken) =>
        await writer.CreateAsync(scope.TenantId, user_id, body.Value, cancellationToken) is { } insight
            ? TypedResults.Created($"/api/v1/insights/{Uri.EscapeDataString(user_id)}/{insight.Id}", insight)
            : ApiProblems.UserNotFound(user_id);

    private static async Task<Results<Ok<InsightListResponse>, ProblemHttpResult>> ListAsync(
        TenantScope scope, string user_id, string? topic, int? limit, IInsightStore insights, Pages pages, CancellationToken cancellationToken)
    {
        return await insights.ListAsync(scope.TenantId, user_id, topic, pages.Size(limit), cancellationToken) is { } list
            ? TypedResults.Ok(new InsightListResponse { Insights = list })
            : ApiProblems.UserNotFound(user_id);
    }

    private static async Task<Results<Ok<TopicListResponse>, ProblemHttpResult>> TopicsAsync(
        TenantScope scope, string user_id, IInsightStore insights, CancellationToken cancellationToken) =>
        await insights.TopicsAsync(scope.TenantId, user_id, cancellationToken) is { } topics
            ? TypedResults.Ok(new TopicListResponse { Topics = topics })
            : ApiProblems.UserNotFound(user_id);

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        TenantScope scope, string user_id, string insight_id, IInsightStore insights, CancellationToken cancellationToken) =>
        Guid.TryParse(insight_id, out var id) && await insights.DeleteAsync(scope.TenantId, user_id, id, cancellationToken)
            ? TypedResults.NoContent()
            : ApiProblems.NotFound($"User '{user_id}' has no insight '{insight_id}'.");
}
