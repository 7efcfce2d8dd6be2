using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.Placement;
using Mnemo.Server.Access;
using Mnemo.Server.Json;
using Mnemo.Server.Problems;
using Mnemo.Validation;

namespace Mnemo.Server.Placement;

/// <summary>
/// Seed 002's tenant databases, for the platform key: <c>/api/v1/databases</c>,
/// <c>GET /api/v1/tenants/{tenant_id}/databases</c> and <c>POST /api/v1/tenants/{tenant_id}/move</c>.
/// </summary>
public static class DatabaseEndpoints
{
    /// <summary>Maps the placement routes.</summary>
    public static IEndpointRouteBuilder MapDatabases(this IEndpointRouteBuilder routes)
    {
        var databases = routes.MapGroup("/api/v1/databases").WithTags("Databases").RequirePlatform().ProducesProblem(StatusCodes.Status409Conflict);
        databases.MapGet("/", ListAsync);
        databases.MapPost("/", RegisterAsync).Accepts<RegisterDatabaseRequest>("application/json");
        databases.MapGet("/{database_id}", GetAsync);
        databases.MapPut("/{database_id}", UpdateAsync).Accepts<UpdateDatabaseRequest>("application/json");

        var tenants = routes.MapGroup("/api/v1/tenants/{tenant_id}").WithTags("Databases").RequirePlatform();
        tenants.MapGet("/databases", TenantDatabaseAsync);
        // A move takes as long as its copy (and 3 s of grace): cut short, it would have to be undone.
        tenants.MapPost("/move", MoveAsync).Accepts<MoveTenantRequest>("application/json").ProducesProblem(StatusCodes.Status409Conflict)
            .DisableRequestTimeout();
        return routes;
    }

    private static async Task<Ok<DatabaseListResponse>> ListAsync(TenantPlacement placement, CancellationToken cancellationToken) =>
        TypedResults.Ok(new DatabaseListResponse { Databases = await placement.ListAsync(cancellationToken) });

    private static async Task<Created<DatabaseInfo>> RegisterAsync(
        JsonBody<RegisterDatabaseRequest> body, TenantPlacement placement, CancellationToken cancellationToken)
    {
        var registered = await placement.RegisterAsync(body.Value, cancellationToken);
        return TypedResults.Created($"/api/v1/databases/{registered.Id}", registered);
    }

    private static async Task<Results<Ok<DatabaseInfo>, ProblemHttpResult>> GetAsync(
        string database_id, TenantPlacement placement, CancellationToken cancellationToken)
    {
        RequireDatabaseId(database_id);
        return await placement.GetAsync(database_id, cancellationToken) is { } database
            ? TypedResults.Ok(database)
            : ApiProblems.NotFound($"No database '{database_id}' is registered.");
    }

    private static async Task<Results<Ok<DatabaseInfo>, ProblemHttpResult>> UpdateAsync(
        string database_id, JsonBody<UpdateDatabaseRequest> body, TenantPlacement placement, CancellationToken cancellationToken)
    {
        RequireDatabaseId(database_id);
        return await placement.SetStatusAsync(database_id, body.Value.Status!, cancellationToken) is { } database
            ? TypedResults.Ok(database)
            : ApiProblems.NotFound($"No database '{database_id}' is registered.");
    }

    private static async Task<Results<Ok<TenantDatabaseResponse>, ProblemHttpResult>> TenantDatabaseAsync(
        string tenant_id, TenantPlacement placement, CancellationToken cancellationToken)
    {
        RequireTenantId(tenant_id);
        return await placement.OfTenantAsync(tenant_id, cancellationToken) is { } placed
            ? TypedResults.Ok(placed)
            : ApiProblems.NotFound($"Tenant '{tenant_id}' does not exist.");
    }

    private static async Task<Ok<MoveTenantResponse>> MoveAsync(
        string tenant_id, JsonBody<MoveTenantRequest> body, TenantPlacement placement, Cluster.ClusterSignals signals, CancellationToken cancellationToken)
    {
        RequireTenantId(tenant_id);
        return TypedResults.Ok(await placement.MoveAsync(tenant_id, body.Value.DatabaseId!, signals.TenantChangedAsync, cancellationToken));
    }

    private static void RequireDatabaseId(string databaseId)
    {
        if (!Identifiers.IsTenantId(databaseId))
        {
            throw ApiProblems.InvalidField("database_id", Identifiers.TenantIdRule);
        }
    }

    private static void RequireTenantId(string tenantId)
    {
        if (!Identifiers.IsTenantId(tenantId))
        {
            throw ApiProblems.InvalidField("tenant_id", Identifiers.TenantIdRule);
        }
    }
}
