using System.Globalization;
using Mnemo.Json;
using Mnemo.Tenants;

namespace Mnemo.Client;

/// <summary><c>/api/v1/tenants</c>: tenant management with the platform key.</summary>
public sealed class TenantsClient
{
    private readonly MnemoClient _client;

    internal TenantsClient(MnemoClient client) => _client = client;

    /// <summary>Creates a tenant.</summary>
    public Task<Tenant> CreateAsync(CreateTenantRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, "api/v1/tenants", MnemoClient.Json(request, MnemoJsonContext.Default.CreateTenantRequest),
            MnemoJsonContext.Default.Tenant, cancellationToken);

    /// <summary>One page of tenants; pass the previous page's <c>next_cursor</c> to continue.</summary>
    public Task<TenantListResponse> ListAsync(int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get,
            MnemoClient.WithQuery("api/v1/tenants", ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor)),
            null, MnemoJsonContext.Default.TenantListResponse, cancellationToken);

    /// <summary>One tenant.</summary>
    public Task<Tenant> GetAsync(string tenantId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, $"api/v1/tenants/{MnemoClient.Escape(tenantId)}", null, MnemoJsonContext.Default.Tenant, cancellationToken);

    /// <summary>A partial update: absent fields keep their value; settings merge key by key.</summary>
    public Task<Tenant> UpdateAsync(string tenantId, UpdateTenantRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Put, $"api/v1/tenants/{MnemoClient.Escape(tenantId)}",
            MnemoClient.Json(request, MnemoJsonContext.Default.UpdateTenantRequest), MnemoJsonContext.Default.Tenant, cancellationToken);

    /// <summary>Deletes a tenant and all its data.</summary>
    public Task DeleteAsync(string tenantId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Delete, $"api/v1/tenants/{MnemoClient.Escape(tenantId)}", null, cancellationToken);
}
