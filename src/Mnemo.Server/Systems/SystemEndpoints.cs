using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.Json;
using Mnemo.Server.Access;
using Mnemo.Server.Json;
using Mnemo.Server.Paging;
using Mnemo.Server.Problems;
using Mnemo.Systems;
using Mnemo.Time;

namespace Mnemo.Server.Systems;

/// <summary>
/// Seed 002's management system repository: systems the platform defines, their versions and
/// versioned configuration. The platform key reads and writes everything; a tenant's key reads
/// the systems assigned to its tenant, and their configuration merged with its own override.
/// </summary>
public static class SystemEndpoints
{
    /// <summary>Maps <c>/api/v1/systems</c>.</summary>
    public static RouteGroupBuilder MapSystems(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/systems").WithTags("Systems");
        var reads = group.MapGroup(string.Empty).RequireAuthorization(AccessPolicies.RegistryReader);
        var writes = group.MapGroup(string.Empty).RequirePlatform();
        writes.MapPost("/", CreateAsync).Accepts<CreateSystemRequest>("application/json").ProducesProblem(StatusCodes.Status409Conflict);
        reads.MapGet("/", ListAsync);
        reads.MapGet("/{system_id}", GetAsync);
        writes.MapPut("/{system_id}", ReplaceAsync).Accepts<ReplaceSystemRequest>("application/json");
        writes.MapPost("/{system_id}/versions", AddVersionAsync).Accepts<CreateSystemVersionRequest>("application/json").ProducesProblem(StatusCodes.Status409Conflict);
        reads.MapGet("/{system_id}/versions", ListVersionsAsync);
        reads.MapGet("/{system_id}/config", GetConfigAsync);
        writes.MapPut("/{system_id}/config", PutConfigAsync).Accepts<SystemConfigRequest>("application/json")
            .ProducesProblem(StatusCodes.Status412PreconditionFailed).ProducesProblem(StatusCodes.Status428PreconditionRequired);
        // The system's history may hold what a tenant should not see (rotated secrets): the platform's alone.
        writes.MapGet("/{system_id}/config/revisions", ListRevisionsAsync);
        return group;
    }

    private static async Task<Results<Created<ManagementSystem>, ProblemHttpResult>> CreateAsync(
        JsonBody<CreateSystemRequest> body, ISystemStore systems, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var system = ToSystem(body.Value.Id!, body.Value, timeProvider.GetUtcNowMicroseconds());
        return await systems.CreateAsync(system, cancellationToken)
            ? TypedResults.Created($"/api/v1/systems/{Uri.EscapeDataString(system.Id)}", system)
            : ApiProblems.Conflict($"System '{system.Id}' exists already.");
    }

    private static async Task<Ok<SystemListResponse>> ListAsync(
        RegistryView view, [AsParameters] PageRequest request, ISystemStore systems, Pages pages, CancellationToken cancellationToken)
    {
        var window = pages.Open(request, new PageScope("systems", view.TenantId ?? string.Empty));
        var page = pages.Cut(window, await systems.ListAsync(view.TenantId, window.After, window.FetchSize, cancellationToken), system => system.Id);
        return TypedResults.Ok(new SystemListResponse { Systems = page.Items, NextCursor = page.NextCursor });
    }

    private static async Task<Results<Ok<ManagementSystem>, ProblemHttpResult>> GetAsync(
        RegistryView view, string system_id, ISystemStore systems, CancellationToken cancellationToken) =>
        await systems.GetAsync(system_id, view.TenantId, cancellationToken) is { } system ? TypedResults.Ok(system) : NotFound(system_id);

    private static async Task<Results<Ok<ManagementSystem>, ProblemHttpResult>> ReplaceAsync(
        string system_id, JsonBody<ReplaceSystemRequest> body, ISystemStore systems, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        await systems.ReplaceAsync(ToSystem(system_id, body.Value, timeProvider.GetUtcNowMicroseconds()), cancellationToken) is { } system
            ? TypedResults.Ok(system)
            : NotFound(system_id);

    private static async Task<Results<Created<SystemVersion>, ProblemHttpResult>> AddVersionAsync(
        string system_id, JsonBody<CreateSystemVersionRequest> body, ISystemStore systems, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var request = body.Value;
        var version = new SystemVersion
        {
            SystemId = system_id, Version = request.Version!, ReleasedAt = request.ReleasedAt ?? timeProvider.GetUtcNowMicroseconds(), Notes = request.Notes ?? string.Empty,
        };
        return await systems.AddVersionAsync(version, cancellationToken) switch
        {
            true => TypedResults.Created($"/api/v1/systems/{Uri.EscapeDataString(system_id)}/versions", version),
            false => ApiProblems.Conflict($"System '{system_id}' has version {version.Version} already."),
            null => NotFound(system_id),
        };
    }

    private static async Task<Results<Ok<SystemVersionListResponse>, ProblemHttpResult>> ListVersionsAsync(
        RegistryView view, string system_id, ISystemStore systems, CancellationToken cancellationToken) =>
        await systems.GetAsync(system_id, view.TenantId, cancellationToken) is null
            ? NotFound(system_id)
            : TypedResults.Ok(new SystemVersionListResponse { Versions = await systems.ListVersionsAsync(system_id, cancellationToken) });

    private static async Task<Results<Ok<SystemConfigResponse>, ProblemHttpResult>> GetConfigAsync(
        HttpContext http, RegistryView view, string system_id, ISystemStore systems, CancellationToken cancellationToken)
    {
        // A tenant reads only an assigned system's; its override is merged in, key by key.
        ConfigRevision? tenantOverride = null;
        if (view.TenantId is { } tenantId && (tenantOverride = await systems.GetConfigAsync(system_id, tenantId, cancellationToken)) is null)
        {
            return NotFound(system_id);
        }
        if (await systems.GetConfigAsync(system_id, tenantId: null, cancellationToken) is not { } own)
        {
            return NotFound(system_id);
        }
        var response = new SystemConfigResponse { SystemId = system_id, Revision = own.Revision, Config = own.Config, UpdatedAt = own.UpdatedAt };
        http.Response.Headers.ETag = ConfigRevisions.ETag(own.Revision);
        if (tenantOverride is not null)
        {
            response = response with
            {
                Config = JsonObjects.Parse(JsonObjects.MergeTopLevel(own.Config.GetRawText(), tenantOverride.Config.GetRawText())),
                TenantId = view.TenantId,
                TenantRevision = tenantOverride.Revision,
            };
            // Names the merged representation (for caching); a write's If-Match takes the ETag of the part it writes.
            http.Response.Headers.ETag = $"\"{own.Revision}.{tenantOverride.Revision}\"";
        }
        return TypedResults.Ok(response);
    }

    private static async Task<Results<Ok<SystemConfigResponse>, ProblemHttpResult>> PutConfigAsync(
        HttpContext http, string system_id, JsonBody<SystemConfigRequest> body, ISystemStore systems, TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var expected = ConfigRevisions.Expected(http.Request);
        var (outcome, revision) = await systems.WriteConfigAsync(system_id, tenantId: null, expected, body.Value.Config!.Value.GetRawText(),
            timeProvider.GetUtcNowMicroseconds(), cancellationToken);
        if (outcome == ConfigWrite.NotFound)
        {
            return NotFound(system_id);
        }
        if (outcome == ConfigWrite.Stale)
        {
            throw ConfigRevisions.Stale();
        }
        http.Response.Headers.ETag = ConfigRevisions.ETag(revision!.Revision);
        return TypedResults.Ok(new SystemConfigResponse { SystemId = system_id, Revision = revision.Revision, Config = revision.Config, UpdatedAt = revision.UpdatedAt });
    }

    private static async Task<Results<Ok<ConfigRevisionListResponse>, ProblemHttpResult>> ListRevisionsAsync(
        string system_id, int? limit, ISystemStore systems, Pages pages, CancellationToken cancellationToken) =>
        await systems.ListConfigRevisionsAsync(system_id, tenantId: null, pages.Size(limit), cancellationToken) is { } revisions
            ? TypedResults.Ok(new ConfigRevisionListResponse { Revisions = revisions })
            : NotFound(system_id);

    private static ManagementSystem ToSystem(string id, ReplaceSystemRequest request, DateTimeOffset now) => new()
    {
        Id = id,
        Name = request.Name!,
        Type = request.Type!,
        Description = request.Description ?? string.Empty,
        Metadata = JsonObjects.Parse(JsonObjects.ToStored(request.Metadata)),
        CreatedAt = now,
        UpdatedAt = now,
    };

    /// <summary>404 for a system the caller cannot see: missing, or not assigned to its tenant.</summary>
    internal static ProblemHttpResult NotFound(string systemId) => ApiProblems.NotFound($"System '{systemId}' does not exist.");
}
