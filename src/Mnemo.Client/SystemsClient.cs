using System.Globalization;
using System.Text.Json;
using Mnemo.Json;
using Mnemo.Systems;

namespace Mnemo.Client;

/// <summary>
/// Seed 002's management system repository: <c>/api/v1/systems</c> (the platform writes, a tenant
/// reads its assigned systems) and a tenant's <c>/api/v1/tenants/{tenant_id}/systems</c>.
/// </summary>
public sealed class SystemsClient
{
    private readonly MnemoClient _client;

    internal SystemsClient(MnemoClient client) => _client = client;

    /// <summary>Defines a system (platform key).</summary>
    public Task<ManagementSystem> CreateAsync(CreateSystemRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, "api/v1/systems", MnemoClient.Json(request, MnemoJsonContext.Default.CreateSystemRequest),
            MnemoJsonContext.Default.ManagementSystem, cancellationToken);

    /// <summary>A page of systems: all for the platform key, the assigned ones for a tenant's key.</summary>
    public Task<SystemListResponse> ListAsync(int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, MnemoClient.WithQuery("api/v1/systems", ("limit", limit?.ToString(CultureInfo.InvariantCulture)), ("cursor", cursor)),
            null, MnemoJsonContext.Default.SystemListResponse, cancellationToken);

    /// <summary>One system.</summary>
    public Task<ManagementSystem> GetAsync(string systemId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, Path(systemId), null, MnemoJsonContext.Default.ManagementSystem, cancellationToken);

    /// <summary>Replaces a system's fields (platform key).</summary>
    public Task<ManagementSystem> ReplaceAsync(string systemId, ReplaceSystemRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Put, Path(systemId), MnemoClient.Json(request, MnemoJsonContext.Default.ReplaceSystemRequest),
            MnemoJsonContext.Default.ManagementSystem, cancellationToken);

    /// <summary>Adds a released version (platform key).</summary>
    public Task<SystemVersion> AddVersionAsync(string systemId, CreateSystemVersionRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, $"{Path(systemId)}/versions", MnemoClient.Json(request, MnemoJsonContext.Default.CreateSystemVersionRequest),
            MnemoJsonContext.Default.SystemVersion, cancellationToken);

    /// <summary>The system's versions, newest release first.</summary>
    public Task<SystemVersionListResponse> ListVersionsAsync(string systemId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, $"{Path(systemId)}/versions", null, MnemoJsonContext.Default.SystemVersionListResponse, cancellationToken);

    /// <summary>The configuration: the system's for the platform key; for a tenant's key, merged with the tenant's override.</summary>
    public Task<SystemConfigResponse> GetConfigAsync(string systemId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, $"{Path(systemId)}/config", null, MnemoJsonContext.Default.SystemConfigResponse, cancellationToken);

    /// <summary>Writes the system's configuration as a new revision after <paramref name="currentRevision"/> (platform key); 412 if another write came first.</summary>
    public Task<SystemConfigResponse> PutConfigAsync(string systemId, JsonElement config, long currentRevision, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Put, $"{Path(systemId)}/config", MnemoClient.Json(new SystemConfigRequest { Config = config }, MnemoJsonContext.Default.SystemConfigRequest),
            MnemoJsonContext.Default.SystemConfigResponse, cancellationToken, IfMatch(currentRevision));

    /// <summary>The system configuration's revisions, newest first (platform key: its history may hold what tenants should not see).</summary>
    public Task<ConfigRevisionListResponse> ListConfigRevisionsAsync(string systemId, int? limit = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, MnemoClient.WithQuery($"{Path(systemId)}/config/revisions", ("limit", limit?.ToString(CultureInfo.InvariantCulture))),
            null, MnemoJsonContext.Default.ConfigRevisionListResponse, cancellationToken);

    /// <summary>Assigns a system to a tenant, or changes the assignment (platform key).</summary>
    public Task<TenantSystem> AssignAsync(string tenantId, string systemId, AssignSystemRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Put, TenantPath(tenantId, systemId), MnemoClient.Json(request, MnemoJsonContext.Default.AssignSystemRequest),
            MnemoJsonContext.Default.TenantSystem, cancellationToken);

    /// <summary>Removes a system from a tenant, with the tenant's override (platform key).</summary>
    public Task UnassignAsync(string tenantId, string systemId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Delete, TenantPath(tenantId, systemId), null, cancellationToken);

    /// <summary>The systems assigned to a tenant.</summary>
    public Task<TenantSystemListResponse> ListAssignedAsync(string tenantId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, $"api/v1/tenants/{Uri.EscapeDataString(tenantId)}/systems", null, MnemoJsonContext.Default.TenantSystemListResponse, cancellationToken);

    /// <summary>The tenant's override of a system's configuration (revision 0 and <c>{}</c> before the first write).</summary>
    public Task<TenantConfigResponse> GetOverrideAsync(string tenantId, string systemId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, $"{TenantPath(tenantId, systemId)}/config", null, MnemoJsonContext.Default.TenantConfigResponse, cancellationToken);

    /// <summary>Writes the tenant's override as a new revision after <paramref name="currentRevision"/> (admin scope); 412 if another write came first.</summary>
    public Task<TenantConfigResponse> PutOverrideAsync(
        string tenantId, string systemId, JsonElement config, long currentRevision, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Put, $"{TenantPath(tenantId, systemId)}/config",
            MnemoClient.Json(new SystemConfigRequest { Config = config }, MnemoJsonContext.Default.SystemConfigRequest),
            MnemoJsonContext.Default.TenantConfigResponse, cancellationToken, IfMatch(currentRevision));

    /// <summary>The tenant's override's revisions, newest first.</summary>
    public Task<ConfigRevisionListResponse> ListOverrideRevisionsAsync(string tenantId, string systemId, int? limit = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, MnemoClient.WithQuery($"{TenantPath(tenantId, systemId)}/config/revisions", ("limit", limit?.ToString(CultureInfo.InvariantCulture))),
            null, MnemoJsonContext.Default.ConfigRevisionListResponse, cancellationToken);

    private static Action<System.Net.Http.Headers.HttpRequestHeaders> IfMatch(long revision) =>
        headers => headers.TryAddWithoutValidation("If-Match", $"\"{revision.ToString(CultureInfo.InvariantCulture)}\"");

    private static string Path(string systemId) => $"api/v1/systems/{Uri.EscapeDataString(systemId)}";

    private static string TenantPath(string tenantId, string systemId) =>
        $"api/v1/tenants/{Uri.EscapeDataString(tenantId)}/systems/{Uri.EscapeDataString(systemId)}";
}
