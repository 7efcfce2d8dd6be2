namespace Mnemo.Categories;

/// <summary>Which assignments a list shows: those matching each filter given, after <paramref name="After"/>, oldest first.</summary>
public sealed record EntityAssignmentQuery(string? EntityType, string? EntityId, string? CategoryId, Guid? After, int Limit);

/// <summary>Persistence of entity assignments.</summary>
public interface IEntityAssignmentStore
{
    /// <summary>
    /// Inserts, once the entity and the category exist in the tenant (<see cref="RegistryOutcome.EntityMissing"/>,
    /// <see cref="RegistryOutcome.CategoryMissing"/>); the same entity in the same category twice is <see cref="RegistryOutcome.Exists"/>.
    /// </summary>
    Task<RegistryChange<EntityAssignment>> CreateAsync(string tenantId, EntityAssignment assignment, CancellationToken cancellationToken);

    /// <summary>The assignment, or null.</summary>
    Task<EntityAssignment?> GetAsync(string tenantId, Guid assignmentId, CancellationToken cancellationToken);

    /// <summary>Assignments, oldest first.</summary>
    Task<IReadOnlyList<EntityAssignment>> ListAsync(string tenantId, EntityAssignmentQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes it; false when missing.</summary>
    Task<bool> DeleteAsync(string tenantId, Guid assignmentId, CancellationToken cancellationToken);

    /// <summary>Deletes every assignment of the entity (it went away); how many there were.</summary>
    Task<int> DeleteForEntityAsync(string tenantId, string entityType, string entityId, CancellationToken cancellationToken);
}
