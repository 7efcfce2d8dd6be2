using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.Server.Access;
using Mnemo.Server.Hosting;
using Mnemo.Server.Json;
using Mnemo.Server.Paging;
using Mnemo.Server.Problems;
using Mnemo.Tenants;
using Mnemo.Time;
using Mnemo.Validation;

namespace Mnemo.Server.Tenants;

/// <summary>Tenant management (seed 002), for the platform admin key only.</summary>
public static class TenantEndpoints
{
    /// <summary>Maps <c>/api/v1/tenants</c>.</summary>
    public static RouteGroupBuilder MapTenants(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/tenants").WithTags("Tenants").RequirePlatform();
        group.MapPost("/", CreateAsync).Accepts<CreateTenantRequest>("application/json").ProducesProblem(StatusCodes.Status409Conflict);
        group.MapGet("/", ListAsync);
        group.MapGet("/{tenant_id}", GetAsync);
        group.MapPut("/{tenant_id}", UpdateAsync).Accepts<UpdateTenantRequest>("application/json");
        group.MapDelete("/{tenant_id}", DeleteAsync);
        return group;
    }

    private static async Task<Results<Created<Tenant>, ProblemHttpResult>> CreateAsync(
        JsonBody<CreateTenantRequest> body, ITenantStore tenants, Placement.TenantPlacement placement, ServerSettings settings, TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var request = body.Value;
        var databaseId = await placement.ChooseForNewTenantAsync(request.DatabaseId, cancellationToken);
        var now = timeProvider.GetUtcNowMicroseconds();
        var tenant = new Tenant
        {
            Id = request.Id!,
            Name = request.Name ?? request.Id!,
            Status = TenantStatus.Active,
            Settings = request.Settings ?? new TenantSettings(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (!await tenants.CreateAsync(tenant, databaseId, cancellationToken))
        {
            return ApiProblems.Conflict($"Tenant '{tenant.Id}' exists already.");
        }
        return TypedResults.Created($"/api/v1/tenants/{tenant.Id}", tenant.WithDefaults(settings.TenantDefaults));
    }

    private static async Task<Ok<TenantListResponse>> ListAsync(
        ITenantStore tenants, ServerSettings settings, [AsParameters] PageRequest request, Pages pages, CancellationToken cancellationToken)
    {
        var window = pages.Open(request, new PageScope("tenants", TenantId: string.Empty));
        var page = pages.Cut(window, await tenants.ListAsync(window.After, window.FetchSize, cancellationToken), tenant => tenant.Id);
        return TypedResults.Ok(new TenantListResponse
        {
            Tenants = [.. page.Items.Select(tenant => tenant.WithDefaults(settings.TenantDefaults))],
            NextCursor = page.NextCursor,
        });
    }

    private static async Task<Results<Ok<Tenant>, ProblemHttpResult>> GetAsync(
        string tenant_id, ITenantStore tenants, ServerSettings settings, CancellationToken cancellationToken)
    {
        RequireTenantId(tenant_id);
        var tenant = await tenants.GetAsync(tenant_id, cancellationToken);
        return tenant is null
            ? ApiProblems.NotFound($"Tenant '{tenant_id}' does not exist.")
            : TypedResults.Ok(tenant.WithDefaults(settings.TenantDefaults));
    }

    private static async Task<Results<Ok<Tenant>, ProblemHttpResult>> UpdateAsync(
        string tenant_id, JsonBody<UpdateTenantRequest> body, ITenantStore tenants, ServerSettings settings, Cluster.ClusterSignals signals,
        TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        RequireTenantId(tenant_id);
        var request = body.Value;
        var settingsPatch = request.Settings is { ValueKind: JsonValueKind.Object } patch ? patch.GetRawText() : null;
        var updated = await tenants.UpdateAsync(tenant_id, new TenantUpdate
        {
            Name = request.Name,
            Status = request.Status,
            SettingsPatchJson = settingsPatch,
            UpdatedAt = timeProvider.GetUtcNowMicroseconds(),
        }, cancellationToken);
        await signals.TenantChangedAsync(tenant_id);
        return updated is null
            ? ApiProblems.NotFound($"Tenant '{tenant_id}' does not exist.")
            : TypedResults.Ok(updated.WithDefaults(settings.TenantDefaults));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string tenant_id, ITenantStore tenants, Cluster.ClusterSignals signals, CancellationToken cancellationToken)
    {
        RequireTenantId(tenant_id);
        var deleted = await tenants.DeleteAsync(tenant_id, cancellationToken);
        await signals.TenantChangedAsync(tenant_id);
        return deleted ? TypedResults.NoContent() : ApiProblems.NotFound($"Tenant '{tenant_id}' does not exist.");
    }

    private static void RequireTenantId(string tenantId)
    {
        if (!Identifiers.IsTenantId(tenantId))
        {
            throw ApiProblems.InvalidField("tenant_id", Identifiers.TenantIdRule);
        }
    }
}
