using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.Categories;
using Mnemo.Json;
using Mnemo.Problems;
using Mnemo.Server.Access;
using Mnemo.Server.Json;
using Mnemo.Server.Paging;
using Mnemo.Server.Problems;
using Mnemo.Time;

namespace Mnemo.Server.Categories;

/// <summary>Seed 002's category repository: the tenant's category tree, at the seed's paths.</summary>
public static class CategoryEndpoints
{
    /// <summary>The seed's <c>MAX_PAGE_SIZE</c> for the category repository's lists.</summary>
    public const int MaxPageSize = 100;

    /// <summary>Maps <c>/api/v1/categories</c>.</summary>
    public static RouteGroupBuilder MapCategories(this IEndpointRouteBuilder routes)
    {
        var (group, reads, writes) = routes.MapTenantGroups("/api/v1/categories", "Categories");
        writes.MapPost("/", CreateAsync).Accepts<CreateCategoryRequest>("application/json").ProducesProblem(StatusCodes.Status409Conflict);
        reads.MapGet("/", ListAsync);
        reads.MapGet("/{category_id}", GetAsync);
        writes.MapPut("/{category_id}", ReplaceAsync).Accepts<ReplaceCategoryRequest>("application/json").ProducesProblem(StatusCodes.Status409Conflict);
        writes.MapDelete("/{category_id}", DeleteAsync).ProducesProblem(StatusCodes.Status409Conflict);
        return group;
    }

    private static async Task<Results<Created<Category>, ProblemHttpResult>> CreateAsync(
        TenantScope scope, JsonBody<CreateCategoryRequest> body, ICategoryStore categories, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var request = body.Value;
        var now = timeProvider.GetUtcNowMicroseconds();
        var category = ToCategory(request.Id ?? Guid.CreateVersion7(now).ToString(), request, now);
        var change = await categories.CreateAsync(scope.TenantId, category, cancellationToken);
        return change.Outcome switch
        {
            RegistryOutcome.Done => TypedResults.Created($"/api/v1/categories/{Uri.EscapeDataString(category.Id)}", change.Entry!),
            RegistryOutcome.CategoryMissing => ApiProblems.CategoryNotFound("parent_id", request.ParentId!),
            _ => ApiProblems.Conflict($"Category '{category.Id}' exists already."),
        };
    }

    private static async Task<Ok<CategoryListResponse>> ListAsync(
        TenantScope scope, string? type, string? parent_id, [AsParameters] PageRequest request, ICategoryStore categories, Pages pages,
        CancellationToken cancellationToken)
    {
        // The filters are part of the list a cursor belongs to: a cursor of one filter is refused by another.
        var window = pages.Open(request, new PageScope($"categories?type={type}&parent_id={parent_id}", scope.TenantId), MaxPageSize);
        var found = await categories.ListAsync(scope.TenantId, new CategoryQuery(type, parent_id, window.After, window.FetchSize), cancellationToken);
        var page = pages.Cut(window, found, category => category.Id);
        return TypedResults.Ok(new CategoryListResponse { Categories = page.Items, NextCursor = page.NextCursor });
    }

    private static async Task<Results<Ok<Category>, ProblemHttpResult>> GetAsync(
        TenantScope scope, string category_id, ICategoryStore categories, CancellationToken cancellationToken) =>
        await categories.GetAsync(scope.TenantId, category_id, cancellationToken) is { } category ? TypedResults.Ok(category) : NotFound(category_id);

    private static async Task<Results<Ok<Category>, ProblemHttpResult>> ReplaceAsync(
        TenantScope scope, string category_id, JsonBody<ReplaceCategoryRequest> body, ICategoryStore categories, TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var request = body.Value;
        var change = await categories.ReplaceAsync(scope.TenantId, ToCategory(category_id, request, timeProvider.GetUtcNowMicroseconds()), cancellationToken);
        return change.Outcome switch
        {
            RegistryOutcome.Done => TypedResults.Ok(change.Entry!),
            RegistryOutcome.CategoryMissing => ApiProblems.CategoryNotFound("parent_id", request.ParentId!),
            RegistryOutcome.Cycle => ApiProblems.Create(StatusCodes.Status409Conflict, ProblemCodes.CategoryCycle, "Category cycle",
                $"Category '{request.ParentId}' is '{category_id}' or one of its descendants; a category cannot be its own ancestor."),
            _ => NotFound(category_id),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        TenantScope scope, string category_id, bool? cascade, ICategoryStore categories, CancellationToken cancellationToken) =>
        await categories.DeleteAsync(scope.TenantId, category_id, cascade ?? false, cancellationToken) switch
        {
            RegistryOutcome.Done => TypedResults.NoContent(),
            RegistryOutcome.InUse => ApiProblems.Create(StatusCodes.Status409Conflict, ProblemCodes.CategoryInUse, "Category in use",
                $"Category '{category_id}' has child categories or assignments; delete with ?cascade=true to remove them too."),
            _ => NotFound(category_id),
        };

    private static Category ToCategory(string id, ReplaceCategoryRequest request, DateTimeOffset now) => new()
    {
        Id = id,
        Name = request.Name!,
        Type = request.Type!,
        ParentId = request.ParentId,
        Description = request.Description ?? string.Empty,
        Metadata = JsonObjects.Parse(JsonObjects.ToStored(request.Metadata)),
        CreatedAt = now,
        UpdatedAt = now,
    };

    private static ProblemHttpResult NotFound(string categoryId) => ApiProblems.NotFound($"Category '{categoryId}' does not exist.");
}
