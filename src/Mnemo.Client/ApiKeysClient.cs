using Mnemo.ApiKeys;
using Mnemo.Json;

namespace Mnemo.Client;

/// <summary><c>/api/v1/tenants/{tenant_id}/api-keys</c>.</summary>
public sealed class ApiKeysClient
{
    private readonly MnemoClient _client;

    internal ApiKeysClient(MnemoClient client) => _client = client;

    /// <summary>Creates a key; the answer is the only place its secret appears.</summary>
    public Task<CreatedApiKeyResponse> CreateAsync(string tenantId, CreateApiKeyRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, Path(tenantId), MnemoClient.Json(request, MnemoJsonContext.Default.CreateApiKeyRequest),
            MnemoJsonContext.Default.CreatedApiKeyResponse, cancellationToken);

    /// <summary>The tenant's keys, without secrets.</summary>
    public Task<ApiKeyListResponse> ListAsync(string tenantId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, Path(tenantId), null, MnemoJsonContext.Default.ApiKeyListResponse, cancellationToken);

    /// <summary>Revokes a key at once.</summary>
    public Task RevokeAsync(string tenantId, Guid keyId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Delete, $"{Path(tenantId)}/{keyId}", null, cancellationToken);

    private static string Path(string tenantId) => $"api/v1/tenants/{MnemoClient.Escape(tenantId)}/api-keys";
}
