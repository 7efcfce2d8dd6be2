using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.ApiKeys;
using Mnemo.Server.Access;
using Mnemo.Server.Json;
using Mnemo.Server.Problems;
using Mnemo.Tenants;
using Mnemo.Time;

namespace Mnemo.Server.ApiKeys;

/// <summary>A tenant's API keys: for the platform key, or the tenant's own keys with the admin scope.</summary>
public static class ApiKeyEndpoints
{
    /// <summary>Maps <c>/api/v1/tenants/{tenant_id}/api-keys</c>.</summary>
    public static RouteGroupBuilder MapApiKeys(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/tenants/{tenant_id}/api-keys").WithTags("API keys").RequireTenant(ApiKeyScopes.Admin);
        group.MapPost("/", CreateAsync).Accepts<CreateApiKeyRequest>("application/json");
        group.MapGet("/", ListAsync);
        group.MapDelete("/{key_id}", RevokeAsync);
        return group;
    }

    private static async Task<Results<Created<CreatedApiKeyResponse>, ProblemHttpResult>> CreateAsync(
        TenantScope scope, JsonBody<CreateApiKeyRequest> body, IApiKeyStore keys, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var (secret, prefix) = ApiKeySecrets.Generate(ApiKeySecrets.TenantMarker);
        var createdAt = timeProvider.GetUtcNowMicroseconds();
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(createdAt),
            TenantId = scope.TenantId,
            Name = body.Value.Name!.Trim(),
            Prefix = prefix,
            Scopes = body.Value.EffectiveScopes(),
            CreatedAt = createdAt,
        };
        if (!await keys.CreateAsync(key, ApiKeySecrets.Hash(secret), cancellationToken))
        {
            return ApiProblems.NotFound($"Tenant '{scope.TenantId}' does not exist.");
        }
        return TypedResults.Created($"/api/v1/tenants/{key.TenantId}/api-keys/{key.Id}", new CreatedApiKeyResponse(key, secret));
    }

    private static async Task<Results<Ok<ApiKeyListResponse>, ProblemHttpResult>> ListAsync(
        TenantScope scope, IApiKeyStore keys, ITenantStore tenants, CancellationToken cancellationToken)
    {
        var list = await keys.ListAsync(scope.TenantId, cancellationToken);
        // An empty list for a tenant that does not exist would hide a typo in the platform's call.
        if (list.Count == 0 && await tenants.GetAsync(scope.TenantId, cancellationToken) is null)
        {
            return ApiProblems.NotFound($"Tenant '{scope.TenantId}' does not exist.");
        }
        return TypedResults.Ok(new ApiKeyListResponse { ApiKeys = list });
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeAsync(
        TenantScope scope, string key_id, IApiKeyStore keys, Cluster.ClusterSignals signals, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(key_id, out var keyId) || !await keys.RevokeAsync(scope.TenantId, keyId, cancellationToken))
        {
            return ApiProblems.NotFound($"Tenant '{scope.TenantId}' has no API key '{key_id}'.");
        }
        await signals.KeyRevokedAsync(keyId);
        return TypedResults.NoContent();
    }
}
