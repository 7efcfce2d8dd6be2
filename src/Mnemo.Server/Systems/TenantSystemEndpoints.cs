using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.ApiKeys;
using Mnemo.Server.Access;
using Mnemo.Server.Json;
using Mnemo.Server.Problems;
using Mnemo.Systems;
using Mnemo.Time;

namespace Mnemo.Server.Systems;

/// <summary>
/// Systems assigned to a tenant (the platform assigns; the tenant reads), and the tenant's
/// override of a system's configuration (the tenant's admin keys write it, under If-Match).
/// </summary>
public static class TenantSystemEndpoints
{
    /// <summary>Maps <c>/api/v1/tenants/{tenant_id}/systems</c>.</summary>
    public static RouteGroupBuilder MapTenantSystems(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/tenants/{tenant_id}/systems").WithTags("Systems");
        group.MapGet("/", ListAsync).RequireTenant(ApiKeyScopes.Read);
        group.MapPut("/{system_id}", AssignAsync).Accepts<AssignSystemRequest>("application/json").RequirePlatform();
        group.MapDelete("/{system_id}", UnassignAsync).RequirePlatform();
        group.MapGet("/{system_id}/config", GetOverrideAsync).RequireTenant(ApiKeyScopes.Read);
        group.MapGet("/{system_id}/config/revisions", ListOverrideRevisionsAsync).RequireTenant(ApiKeyScopes.Read);
        group.MapPut("/{system_id}/config", PutOverrideAsync).Accepts<SystemConfigRequest>("application/json").RequireTenant(ApiKeyScopes.Admin)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired);
        return group;
    }

    private static async Task<Ok<TenantSystemListResponse>> ListAsync(TenantScope scope, ISystemStore systems, CancellationToken cancellationToken) =>
        TypedResults.Ok(new TenantSystemListResponse { Systems = await systems.ListAssignedAsync(scope.TenantId, cancellationToken) });

    private static async Task<Results<Ok<TenantSystem>, ProblemHttpResult>> AssignAsync(
        string tenant_id, string system_id, JsonBody<AssignSystemRequest> body, ISystemStore systems, Mnemo.Tenants.ITenantStore tenants,
        TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (await tenants.GetAsync(tenant_id, cancellationToken) is null)
        {
            return ApiProblems.NotFound($"Tenant '{tenant_id}' does not exist.");
        }
        var now = timeProvider.GetUtcNowMicroseconds();
        var (assignment, versionMissing) = await systems.AssignAsync(new TenantSystem
        {
            TenantId = tenant_id, SystemId = system_id, Version = body.Value.Version, Enabled = body.Value.Enabled ?? true, CreatedAt = now, UpdatedAt = now,
        }, cancellationToken);
        return assignment is not null ? TypedResults.Ok(assignment)
            : versionMissing ? ApiProblems.NotFound($"System '{system_id}' has no version {body.Value.Version}.")
            : SystemEndpoints.NotFound(system_id);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> UnassignAsync(
        string tenant_id, string system_id, ISystemStore systems, Mnemo.Categories.IEntityAssignmentStore assignments, CancellationToken cancellationToken)
    {
        // A system no longer the tenant's is no entity of its categories either. Those live in the
        // tenant's database, the assignment in the catalog: they go before it, so that a failure
        // between the two leaves the system assigned (and the call to retry), and again after it,
        // for an assignment made in between (its check read the catalog before the unassignment).
        await assignments.DeleteForEntityAsync(tenant_id, "system", system_id, cancellationToken);
        if (!await systems.UnassignAsync(tenant_id, system_id, cancellationToken))
        {
            return ApiProblems.NotFound($"System '{system_id}' is not assigned to tenant '{tenant_id}'.");
        }
        await assignments.DeleteForEntityAsync(tenant_id, "system", system_id, CancellationToken.None);
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<TenantConfigResponse>, ProblemHttpResult>> GetOverrideAsync(
        HttpContext http, TenantScope scope, string system_id, ISystemStore systems, CancellationToken cancellationToken)
    {
        if (await systems.GetConfigAsync(system_id, scope.TenantId, cancellationToken) is not { } current)
        {
            return SystemEndpoints.NotFound(system_id);
        }
        http.Response.Headers.ETag = ConfigRevisions.ETag(current.Revision);
        return TypedResults.Ok(Response(scope.TenantId, system_id, current));
    }

    private static async Task<Results<Ok<TenantConfigResponse>, ProblemHttpResult>> PutOverrideAsync(
        HttpContext http, TenantScope scope, string system_id, JsonBody<SystemConfigRequest> body, ISystemStore systems, TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var expected = ConfigRevisions.Expected(http.Request);
        var (outcome, revision) = await systems.WriteConfigAsync(system_id, scope.TenantId, expected, body.Value.Config!.Value.GetRawText(),
            timeProvider.GetUtcNowMicroseconds(), cancellationToken);
        if (outcome == ConfigWrite.NotFound)
        {
            return SystemEndpoints.NotFound(system_id);
        }
        if (outcome == ConfigWrite.Stale)
        {
            throw ConfigRevisions.Stale();
        }
        http.Response.Headers.ETag = ConfigRevisions.ETag(revision!.Revision);
        return TypedResults.Ok(Response(scope.TenantId, system_id, revision));
    }

    private static async Task<Results<Ok<ConfigRevisionListResponse>, ProblemHttpResult>> ListOverrideRevisionsAsync(
        TenantScope scope, string system_id, int? limit, ISystemStore systems, Paging.Pages pages, CancellationToken cancellationToken) =>
        await systems.ListConfigRevisionsAsync(system_id, scope.TenantId, pages.Size(limit), cancellationToken) is { } revisions
            ? TypedResults.Ok(new ConfigRevisionListResponse { Revisions = revisions })
            : SystemEndpoints.NotFound(system_id);

    private static TenantConfigResponse Response(string tenantId, string systemId, ConfigRevision revision) => new()
    {
        SystemId = systemId, TenantId = tenantId, Revision = revision.Revision, Config = revision.Config, UpdatedAt = revision.UpdatedAt,
    };
}
