namespace Mnemo.Categories;

/// <summary>Persistence of the factor registry.</summary>
public interface IFactorStore
{
    /// <summary>Inserts; <see cref="RegistryOutcome.Exists"/> when the id is taken, <see cref="RegistryOutcome.CategoryMissing"/> without its category.</summary>
    Task<RegistryChange<Factor>> CreateAsync(string tenantId, Factor factor, CancellationToken cancellationToken);

    /// <summary>The factor, or null.</summary>
    Task<Factor?> GetAsync(string tenantId, string factorId, CancellationToken cancellationToken);

    /// <summary>The factors of <paramref name="factorIds"/> that exist.</summary>
    Task<IReadOnlyList<Factor>> GetManyAsync(string tenantId, IReadOnlyCollection<string> factorIds, CancellationToken cancellationToken);

    /// <summary>Factors by id after <paramref name="afterId"/>, of <paramref name="categoryId"/> when given.</summary>
    Task<IReadOnlyList<Factor>> ListAsync(string tenantId, string? categoryId, string? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Replaces the factor's fields (its id and creation time stay).</summary>
    Task<RegistryChange<Factor>> ReplaceAsync(string tenantId, Factor factor, CancellationToken cancellationToken);

    /// <summary>Deletes the factor; false when missing. Values assignments recorded for it stay as recorded.</summary>
    Task<bool> DeleteAsync(string tenantId, string factorId, CancellationToken cancellationToken);
}
