using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.Categories;
using Mnemo.Server.Access;
using Mnemo.Server.Json;
using Mnemo.Server.Paging;
using Mnemo.Server.Problems;
using Mnemo.Time;

namespace Mnemo.Server.Categories;

/// <summary>Seed 002's factors: the tenant's registry of weighted measures with ranges.</summary>
public static class FactorEndpoints
{
    /// <summary>Maps <c>/api/v1/factors</c>.</summary>
    public static RouteGroupBuilder MapFactors(this IEndpointRouteBuilder routes)
    {
        var (group, reads, writes) = routes.MapTenantGroups("/api/v1/factors", "Categories");
        writes.MapPost("/", CreateAsync).Accepts<CreateFactorRequest>("application/json").ProducesProblem(StatusCodes.Status409Conflict);
        reads.MapGet("/", ListAsync);
        reads.MapGet("/{factor_id}", GetAsync);
        writes.MapPut("/{factor_id}", ReplaceAsync).Accepts<ReplaceFactorRequest>("application/json");
        writes.MapDelete("/{factor_id}", DeleteAsync);
        return group;
    }

    private static async Task<Results<Created<Factor>, ProblemHttpResult>> CreateAsync(
        TenantScope scope, JsonBody<CreateFactorRequest> body, IFactorStore factors, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var request = body.Value;
        var now = timeProvider.GetUtcNowMicroseconds();
        var factor = ToFactor(request.Id ?? Guid.CreateVersion7(now).ToString(), request, now);
        var change = await factors.CreateAsync(scope.TenantId, factor, cancellationToken);
        return change.Outcome switch
        {
            RegistryOutcome.Done => TypedResults.Created($"/api/v1/factors/{Uri.EscapeDataString(factor.Id)}", change.Entry!),
            RegistryOutcome.CategoryMissing => ApiProblems.CategoryNotFound("category_id", request.CategoryId!),
            _ => ApiProblems.Conflict($"Factor '{factor.Id}' exists already."),
        };
    }

    private static async Task<Ok<FactorListResponse>> ListAsync(
        TenantScope scope, string? category_id, [AsParameters] PageRequest request, IFactorStore factors, Pages pages, CancellationToken cancellationToken)
    {
        var window = pages.Open(request, new PageScope($"factors?category_id={category_id}", scope.TenantId), CategoryEndpoints.MaxPageSize);
        var page = pages.Cut(window, await factors.ListAsync(scope.TenantId, category_id, window.After, window.FetchSize, cancellationToken), factor => factor.Id);
        return TypedResults.Ok(new FactorListResponse { Factors = page.Items, NextCursor = page.NextCursor });
    }

    private static async Task<Results<Ok<Factor>, ProblemHttpResult>> GetAsync(
        TenantScope scope, string factor_id, IFactorStore factors, CancellationToken cancellationToken) =>
        await factors.GetAsync(scope.TenantId, factor_id, cancellationToken) is { } factor ? TypedResults.Ok(factor) : NotFound(factor_id);

    private static async Task<Results<Ok<Factor>, ProblemHttpResult>> ReplaceAsync(
        TenantScope scope, string factor_id, JsonBody<ReplaceFactorRequest> body, IFactorStore factors, TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var request = body.Value;
        var change = await factors.ReplaceAsync(scope.TenantId, ToFactor(factor_id, request, timeProvider.GetUtcNowMicroseconds()), cancellationToken);
        return change.Outcome switch
        {
            RegistryOutcome.Done => TypedResults.Ok(change.Entry!),
            RegistryOutcome.CategoryMissing => ApiProblems.CategoryNotFound("category_id", request.CategoryId!),
            _ => NotFound(factor_id),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        TenantScope scope, string factor_id, IFactorStore factors, CancellationToken cancellationToken) =>
        await factors.DeleteAsync(scope.TenantId, factor_id, cancellationToken) ? TypedResults.NoContent() : NotFound(factor_id);

    private static Factor ToFactor(string id, ReplaceFactorRequest request, DateTimeOffset now) => new()
    {
        Id = id,
        Name = request.Name!,
        CategoryId = request.CategoryId,
        Weight = request.Weight!.Value,
        Min = request.Min!.Value,
        Max = request.Max!.Value,
        Description = request.Description ?? string.Empty,
        CreatedAt = now,
        UpdatedAt = now,
    };

    private static ProblemHttpResult NotFound(string factorId) => ApiProblems.NotFound($"Factor '{factorId}' does not exist.");
}
