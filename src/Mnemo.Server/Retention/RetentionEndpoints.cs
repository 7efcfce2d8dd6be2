using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.Problems;
using Mnemo.Retention;
using Mnemo.Server.Access;
using Mnemo.Server.Problems;

namespace Mnemo.Server.Retention;

/// <summary><c>POST /api/v1/admin/retention/run</c>: one pass now (platform admin).</summary>
public static class RetentionEndpoints
{
    /// <summary>Maps the endpoint.</summary>
    public static IEndpointConventionBuilder MapRetention(this IEndpointRouteBuilder routes) =>
        routes.MapPost("/api/v1/admin/retention/run", RunAsync).WithTags("Admin").RequirePlatform().DisableRequestTimeout().ProducesProblem(StatusCodes.Status409Conflict);

    private static async Task<Results<Ok<RetentionCounts>, ProblemHttpResult>> RunAsync(
        IRetentionEngine engine, Observability.MnemoMetrics metrics, CancellationToken cancellationToken)
    {
        if (await engine.RunPassAsync(RetentionWorker.NodeId, cancellationToken) is { } counts)
        {
            metrics.RetentionPass(counts);
            return TypedResults.Ok(counts);
        }
        return ApiProblems.Create(StatusCodes.Status409Conflict, ProblemCodes.RetentionBusy, "Retention busy", "Another node is running a retention pass; try again shortly.");
    }
}
