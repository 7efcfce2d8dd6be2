namespace Mnemo.Tenants;

/// <summary>Persistence of tenants. Deleting a tenant deletes everything it owns.</summary>
public interface ITenantStore
{
    /// <summary>Inserts <paramref name="tenant"/>; false when the id is taken.</summary>
    Task<bool> CreateAsync(Tenant tenant, string? databaseId, CancellationToken cancellationToken);

    /// <summary>The tenant, or null.</summary>
    Task<Tenant?> GetAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> tenants ordered by id, after <paramref name="afterId"/> when given.</summary>
    Task<IReadOnlyList<Tenant>> ListAsync(string? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Applies <paramref name="update"/>; null when there is no such tenant.</summary>
    Task<Tenant?> UpdateAsync(string tenantId, TenantUpdate update, CancellationToken cancellationToken);

    /// <summary>Deletes the tenant and all its data; false when there is no such tenant.</summary>
    Task<bool> DeleteAsync(string tenantId, CancellationToken cancellationToken);
}

/// <summary>A partial update of a tenant: null members keep their value.</summary>
public sealed record TenantUpdate
{
    /// <summary>New name, or null to keep.</summary>
    public string? Name { get; init; }

    /// <summary>New status, or null to keep.</summary>
    public string? Status { get; init; }

    /// <summary>
    /// A JSON object merged into the stored settings key by key: a member replaces the stored one
    /// whole (nested objects too), and a member set to <c>null</c> returns to its default.
    /// Already validated against <see cref="TenantSettings"/>.
    /// </summary>
    public string? SettingsPatchJson { get; init; }

    /// <summary>The time of the update.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}
