using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.Health;
using Mnemo.Problems;
using Mnemo.Server.Problems;
using Mnemo.Storage;
using Mnemo.Storage.Migrations;

namespace Mnemo.Server.Health;

/// <summary><c>/health</c> (the process answers) and <c>/health/ready</c> (the store answers and its schema is current).</summary>
public static class HealthEndpoints
{
    /// <summary>Maps both health endpoints; neither needs a key.</summary>
    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/health").WithTags("Health").AllowAnonymous();
        group.MapGet("/", () => TypedResults.Ok(new HealthResponse { Status = "ok" }));
        group.MapGet("/ready", ReadyAsync);
        return routes;
    }

    private static async Task<Results<Ok<HealthResponse>, ProblemHttpResult>> ReadyAsync(
        MnemoDatabase database, MigrationRunner migrations, Cluster.ClusterSignals cluster, CancellationToken cancellationToken)
    {
        var expected = EmbeddedMigrations.For(database.Dialect)[^1].Version;
        int current;
        try
        {
            current = await migrations.CurrentVersionAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or TimeoutException)
        {
            return NotReady("The database cannot be reached.");
        }
        if (current < expected)
        {
            return NotReady($"Schema version {current} is behind {expected}: migrations are not applied.");
        }
        // Without Redis a node still serves: degraded, not unready.
        return cluster.Configured && !cluster.Connected
            ? TypedResults.Ok(new HealthResponse
            {
                Status = "degraded", Storage = database.Dialect.Name, SchemaVersion = current,
                Detail = "Redis is unreachable: other nodes learn of revoked keys and suspended tenants within 2 s until it returns.",
            })
            : TypedResults.Ok(new HealthResponse { Status = "ok", Storage = database.Dialect.Name, SchemaVersion = current });
    }

    private static ProblemHttpResult NotReady(string detail) =>
        ApiProblems.Create(StatusCodes.Status503ServiceUnavailable, ProblemCodes.StoreUnavailable, "Not ready", detail);
}
