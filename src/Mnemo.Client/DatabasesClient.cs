using Mnemo.Json;
using Mnemo.Placement;

namespace Mnemo.Client;

/// <summary>
/// <c>/api/v1/databases</c> and a tenant's placement, with the platform key (PostgreSQL; a SQLite
/// server answers 409 <c>not_supported</c>).
/// </summary>
public sealed class DatabasesClient
{
    private readonly MnemoClient _client;

    internal DatabasesClient(MnemoClient client) => _client = client;

    /// <summary>Registers a database: Mnemo connects, migrates it, and stores its connection string encrypted.</summary>
    public Task<DatabaseInfo> RegisterAsync(RegisterDatabaseRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, "api/v1/databases", MnemoClient.Json(request, MnemoJsonContext.Default.RegisterDatabaseRequest),
            MnemoJsonContext.Default.DatabaseInfo, cancellationToken);

    /// <summary>Every database, the catalog first.</summary>
    public Task<DatabaseListResponse> ListAsync(CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, "api/v1/databases", null, MnemoJsonContext.Default.DatabaseListResponse, cancellationToken);

    /// <summary>One database.</summary>
    public Task<DatabaseInfo> GetAsync(string databaseId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, $"api/v1/databases/{MnemoClient.Escape(databaseId)}", null, MnemoJsonContext.Default.DatabaseInfo, cancellationToken);

    /// <summary>Opens or closes a database to new tenants.</summary>
    public Task<DatabaseInfo> UpdateAsync(string databaseId, UpdateDatabaseRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Put, $"api/v1/databases/{MnemoClient.Escape(databaseId)}",
            MnemoClient.Json(request, MnemoJsonContext.Default.UpdateDatabaseRequest), MnemoJsonContext.Default.DatabaseInfo, cancellationToken);

    /// <summary>The database a tenant lives in (seed 002's <c>GET /api/v1/tenants/{tenant_id}/databases</c>).</summary>
    public Task<TenantDatabaseResponse> OfTenantAsync(string tenantId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, $"api/v1/tenants/{MnemoClient.Escape(tenantId)}/databases", null,
            MnemoJsonContext.Default.TenantDatabaseResponse, cancellationToken);

    /// <summary>Moves a tenant's data to another database; its writes get 503 <c>tenant_moving</c> for the few seconds of the switch.</summary>
    public Task<MoveTenantResponse> MoveTenantAsync(string tenantId, MoveTenantRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, $"api/v1/tenants/{MnemoClient.Escape(tenantId)}/move",
            MnemoClient.Json(request, MnemoJsonContext.Default.MoveTenantRequest), MnemoJsonContext.Default.MoveTenantResponse, cancellationToken);
}
