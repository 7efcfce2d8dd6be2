using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.Categories;
using Mnemo.Problems;
using Mnemo.Server.Access;
using Mnemo.Server.Json;
using Mnemo.Server.Paging;
using Mnemo.Server.Problems;
using Mnemo.Time;

namespace Mnemo.Server.Categories;

/// <summary>Seed 002's entity assignments: the tenant's users, campaigns, extensions and systems placed in its categories.</summary>
public static class EntityAssignmentEndpoints
{
    /// <summary>Maps <c>/api/v1/entity-assignments</c>.</summary>
    public static RouteGroupBuilder MapEntityAssignments(this IEndpointRouteBuilder routes)
    {
        var (group, reads, writes) = routes.MapTenantGroups("/api/v1/entity-assignments", "Categories");
        writes.MapPost("/", CreateAsync).Accepts<CreateEntityAssignmentRequest>("application/json").ProducesProblem(StatusCodes.Status409Conflict);
        reads.MapGet("/", ListAsync);
        reads.MapGet("/{assignment_id}", GetAsync);
        writes.MapDelete("/{assignment_id}", DeleteAsync);
        return group;
    }

    private static async Task<Results<Created<EntityAssignment>, ProblemHttpResult>> CreateAsync(
        TenantScope scope, JsonBody<CreateEntityAssignmentRequest> body, IEntityAssignmentStore assignments, FactorValues factorValues,
        Mnemo.Systems.ISystemStore systems, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var request = body.Value;
        if (request.EntityType == "system" && await systems.GetAsync(request.EntityId!, scope.TenantId, cancellationToken) is null)
        {
            return ApiProblems.Create(StatusCodes.Status404NotFound, ProblemCodes.EntityNotFound, "Entity not found",
                $"This tenant has no system '{request.EntityId}'.");
        }
        var values = request.FactorValues ?? new Dictionary<string, double>();
        await factorValues.CheckAsync(scope.TenantId, values, "factor_values", cancellationToken);
        var now = timeProvider.GetUtcNowMicroseconds();
        var assignment = new EntityAssignment
        {
            Id = Guid.CreateVersion7(now),
            EntityType = request.EntityType!,
            // An extension is named by its UUID, however the client spelled it.
            EntityId = request.EntityType == "extension" && Guid.TryParse(request.EntityId, out var extensionId) ? extensionId.ToString() : request.EntityId!,
            CategoryId = request.CategoryId!,
            FactorValues = values,
            CreatedAt = now,
        };
        var change = await assignments.CreateAsync(scope.TenantId, assignment, cancellationToken);
        return change.Outcome switch
        {
            RegistryOutcome.Done => TypedResults.Created($"/api/v1/entity-assignments/{assignment.Id}", change.Entry!),
            RegistryOutcome.EntityMissing => ApiProblems.Create(StatusCodes.Status404NotFound, ProblemCodes.EntityNotFound, "Entity not found",
                $"This tenant has no {assignment.EntityType} '{assignment.EntityId}'."),
            RegistryOutcome.CategoryMissing => ApiProblems.CategoryNotFound("category_id", assignment.CategoryId),
            _ => ApiProblems.Conflict($"The {assignment.EntityType} '{assignment.EntityId}' is in category '{assignment.CategoryId}' already."),
        };
    }

    private static async Task<Ok<EntityAssignmentListResponse>> ListAsync(
        TenantScope scope, string? entity_type, string? entity_id, string? category_id, [AsParameters] PageRequest request,
        IEntityAssignmentStore assignments, Pages pages, CancellationToken cancellationToken)
    {
        var list = $"entity-assignments?entity_type={entity_type}&entity_id={entity_id}&category_id={category_id}";
        var window = pages.Open(request, new PageScope(list, scope.TenantId), CategoryEndpoints.MaxPageSize);
        var after = window.After is null ? (Guid?)null : Guid.Parse(window.After);
        var found = await assignments.ListAsync(scope.TenantId, new EntityAssignmentQuery(entity_type, entity_id, category_id, after, window.FetchSize), cancellationToken);
        var page = pages.Cut(window, found, assignment => assignment.Id.ToString());
        return TypedResults.Ok(new EntityAssignmentListResponse { Assignments = page.Items, NextCursor = page.NextCursor });
    }

    private static async Task<Results<Ok<EntityAssignment>, ProblemHttpResult>> GetAsync(
        TenantScope scope, string assignment_id, IEntityAssignmentStore assignments, CancellationToken cancellationToken) =>
        Guid.TryParse(assignment_id, out var id) && await assignments.GetAsync(scope.TenantId, id, cancellationToken) is { } assignment
            ? TypedResults.Ok(assignment)
            : NotFound(assignment_id);

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        TenantScope scope, string assignment_id, IEntityAssignmentStore assignments, CancellationToken cancellationToken) =>
        Guid.TryParse(assignment_id, out var id) && await assignments.DeleteAsync(scope.TenantId, id, cancellationToken)
            ? TypedResults.NoContent()
            : NotFound(assignment_id);

    private static ProblemHttpResult NotFound(string assignmentId) => ApiProblems.NotFound($"Entity assignment '{assignmentId}' does not exist.");
}
