namespace Mnemo.Categories;

/// <summary>What a write to a registry did.</summary>
public enum RegistryOutcome
{
    /// <summary>Written.</summary>
    Done,

    /// <summary>The id is taken (or the same assignment exists).</summary>
    Exists,

    /// <summary>The entry the path names does not exist.</summary>
    NotFound,

    /// <summary>A category the body names does not exist.</summary>
    CategoryMissing,

    /// <summary>The entity an assignment names does not exist in the tenant.</summary>
    EntityMissing,

    /// <summary>The category would become its own ancestor.</summary>
    Cycle,

    /// <summary>The category has children or assignments.</summary>
    InUse,
}

/// <summary>A registry write's outcome and, when done, the entry as stored.</summary>
public sealed record RegistryChange<T>(RegistryOutcome Outcome, T? Entry = null)
    where T : class;

/// <summary>Which categories a list shows: by <paramref name="Type"/> and <paramref name="ParentId"/> when given, ids after <paramref name="AfterId"/>.</summary>
public sealed record CategoryQuery(string? Type, string? ParentId, string? AfterId, int Limit);

/// <summary>Persistence of the category tree.</summary>
public interface ICategoryStore
{
    /// <summary>Inserts; <see cref="RegistryOutcome.Exists"/> when the id is taken, <see cref="RegistryOutcome.CategoryMissing"/> without its parent.</summary>
    Task<RegistryChange<Category>> CreateAsync(string tenantId, Category category, CancellationToken cancellationToken);

    /// <summary>The category, or null.</summary>
    Task<Category?> GetAsync(string tenantId, string categoryId, CancellationToken cancellationToken);

    /// <summary>Categories by id.</summary>
    Task<IReadOnlyList<Category>> ListAsync(string tenantId, CategoryQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the category's fields (its id and creation time stay); refuses a missing parent
    /// and a parent among its own descendants (<see cref="RegistryOutcome.Cycle"/>).
    /// </summary>
    Task<RegistryChange<Category>> ReplaceAsync(string tenantId, Category category, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the category. With children or assignments it is <see cref="RegistryOutcome.InUse"/>,
    /// unless <paramref name="cascade"/>: then its whole subtree and their assignments go too.
    /// Factors of a deleted category stay, with no category.
    /// </summary>
    Task<RegistryOutcome> DeleteAsync(string tenantId, string categoryId, bool cascade, CancellationToken cancellationToken);
}
