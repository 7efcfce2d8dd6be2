namespace Mnemo.Placement;

/// <summary>
/// The tenant's database does not take its writes at the moment: the tenant is being moved to
/// another database, or has just been. The write did nothing; retried shortly, it lands in the
/// tenant's database (HTTP 503 <c>tenant_moving</c> with <c>Retry-After</c>).
/// </summary>
public sealed class TenantMovingException(string tenantId)
    : Exception($"Tenant '{tenantId}' is moving between databases; its writes resume in a moment.")
{
    /// <summary>The tenant whose write was refused.</summary>
    public string TenantId { get; } = tenantId;
}
