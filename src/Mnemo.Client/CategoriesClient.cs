using System.Globalization;
using Mnemo.Categories;
using Mnemo.Json;

namespace Mnemo.Client;

/// <summary>Seed 002's category repository: <c>/api/v1/categories</c>, <c>/api/v1/factors</c> and <c>/api/v1/entity-assignments</c>.</summary>
public sealed class CategoriesClient
{
    private readonly MnemoClient _client;

    internal CategoriesClient(MnemoClient client) => _client = client;

    /// <summary>Creates a category (its parent must exist).</summary>
    public Task<Category> CreateAsync(CreateCategoryRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, "api/v1/categories", MnemoClient.Json(request, MnemoJsonContext.Default.CreateCategoryRequest),
            MnemoJsonContext.Default.Category, cancellationToken);

    /// <summary>A page of categories, of <paramref name="type"/> and under <paramref name="parentId"/> when given.</summary>
    public Task<CategoryListResponse> ListAsync(
        string? type = null, string? parentId = null, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, MnemoClient.WithQuery("api/v1/categories",
                ("type", type), ("parent_id", parentId), ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor)),
            null, MnemoJsonContext.Default.CategoryListResponse, cancellationToken);

    /// <summary>One category.</summary>
    public Task<Category> GetAsync(string categoryId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, CategoryPath(categoryId), null, MnemoJsonContext.Default.Category, cancellationToken);

    /// <summary>Replaces a category's fields (a parent among its descendants is 409 <c>category_cycle</c>).</summary>
    public Task<Category> ReplaceAsync(string categoryId, ReplaceCategoryRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Put, CategoryPath(categoryId), MnemoClient.Json(request, MnemoJsonContext.Default.ReplaceCategoryRequest),
            MnemoJsonContext.Default.Category, cancellationToken);

    /// <summary>Deletes a category; with children or assignments only when <paramref name="cascade"/>.</summary>
    public Task DeleteAsync(string categoryId, bool cascade = false, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Delete, MnemoClient.WithQuery(CategoryPath(categoryId), ("cascade", cascade ? "true" : null)), null, cancellationToken);

    /// <summary>Creates a factor.</summary>
    public Task<Factor> CreateFactorAsync(CreateFactorRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, "api/v1/factors", MnemoClient.Json(request, MnemoJsonContext.Default.CreateFactorRequest),
            MnemoJsonContext.Default.Factor, cancellationToken);

    /// <summary>A page of factors, of <paramref name="categoryId"/> when given.</summary>
    public Task<FactorListResponse> ListFactorsAsync(string? categoryId = null, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, MnemoClient.WithQuery("api/v1/factors",
                ("category_id", categoryId), ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor)),
            null, MnemoJsonContext.Default.FactorListResponse, cancellationToken);

    /// <summary>One factor.</summary>
    public Task<Factor> GetFactorAsync(string factorId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, FactorPath(factorId), null, MnemoJsonContext.Default.Factor, cancellationToken);

    /// <summary>Replaces a factor's fields.</summary>
    public Task<Factor> ReplaceFactorAsync(string factorId, ReplaceFactorRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Put, FactorPath(factorId), MnemoClient.Json(request, MnemoJsonContext.Default.ReplaceFactorRequest),
            MnemoJsonContext.Default.Factor, cancellationToken);

    /// <summary>Deletes a factor.</summary>
    public Task DeleteFactorAsync(string factorId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Delete, FactorPath(factorId), null, cancellationToken);

    /// <summary>Places an entity of the tenant in a category.</summary>
    public Task<EntityAssignment> AssignAsync(CreateEntityAssignmentRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, "api/v1/entity-assignments", MnemoClient.Json(request, MnemoJsonContext.Default.CreateEntityAssignmentRequest),
            MnemoJsonContext.Default.EntityAssignment, cancellationToken);

    /// <summary>A page of assignments, filtered by whichever of entity type, entity and category are given.</summary>
    public Task<EntityAssignmentListResponse> ListAssignmentsAsync(
        string? entityType = null, string? entityId = null, string? categoryId = null, int? limit = null, string? cursor = null,
        CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, MnemoClient.WithQuery("api/v1/entity-assignments",
                ("entity_type", entityType), ("entity_id", entityId), ("category_id", categoryId),
                ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor)),
            null, MnemoJsonContext.Default.EntityAssignmentListResponse, cancellationToken);

    /// <summary>One assignment.</summary>
    public Task<EntityAssignment> GetAssignmentAsync(Guid assignmentId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, $"api/v1/entity-assignments/{assignmentId}", null, MnemoJsonContext.Default.EntityAssignment, cancellationToken);

    /// <summary>Removes an assignment.</summary>
    public Task UnassignAsync(Guid assignmentId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Delete, $"api/v1/entity-assignments/{assignmentId}", null, cancellationToken);

    private static string CategoryPath(string categoryId) => $"api/v1/categories/{Uri.EscapeDataString(categoryId)}";

    private static string FactorPath(string factorId) => $"api/v1/factors/{Uri.EscapeDataString(factorId)}";
}
