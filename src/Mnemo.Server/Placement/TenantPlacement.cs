using Mnemo.Placement;
using Mnemo.Problems;
using Mnemo.Server.OAuth;
using Mnemo.Server.Problems;
using Mnemo.Storage.Configuration;
using Mnemo.Storage.Migrations;
using Mnemo.Storage.Placement;
using Mnemo.Storage.Postgres;
using Npgsql;

namespace Mnemo.Server.Placement;

/// <summary>
/// Tenant placement (seed 002's tenant databases): registering databases, choosing one for a new
/// tenant, reporting where a tenant lives, and moving it. PostgreSQL only: on SQLite every
/// placement route answers 409 <c>not_supported</c>.
/// </summary>
public sealed class TenantPlacement(RoutedDatabase databases, SecretBox secrets, TimeProvider timeProvider)
{
    /// <summary>How long registration may take to connect and migrate, and a listing to reach each database.</summary>
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15), ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Refuses on a backend that keeps every tenant in one database.</summary>
    public void RequirePlacement()
    {
        if (!databases.PlacesTenants)
        {
            throw new ApiProblemException(StatusCodes.Status409Conflict, ProblemCodes.NotSupported, "Not supported",
                "This server stores everything in one SQLite file on one node; placing tenants in databases needs PostgreSQL.");
        }
    }

    /// <summary>
    /// The database a new tenant goes to (null: the catalog): <paramref name="requested"/>, which
    /// must be open, or else the open database with the fewest tenants.
    /// </summary>
    public async Task<string?> ChooseForNewTenantAsync(string? requested, CancellationToken cancellationToken)
    {
        if (!databases.PlacesTenants)
        {
            if (requested is not null && requested != databases.Registry.CatalogId)
            {
                RequirePlacement();
            }
            return null;
        }
        string chosen;
        if (requested is not null)
        {
            var row = await databases.Registry.FindAsync(requested, cancellationToken)
                ?? throw ApiProblems.InvalidField("database_id", $"no database '{requested}' is registered");
            if (row.Status != DatabaseStatus.Open)
            {
                throw Closed(requested);
            }
            chosen = requested;
        }
        else
        {
            chosen = await databases.Registry.LeastUsedOpenAsync(cancellationToken)
                ?? throw new ApiProblemException(StatusCodes.Status409Conflict, ProblemCodes.DatabaseClosed, "No open database",
                    "Every database is closed to new tenants; open one (PUT /api/v1/databases/{database_id}) or register another.");
        }
        return chosen == databases.Registry.CatalogId ? null : chosen;
    }

    /// <summary>Connects to the database, applies every migration, and records it; its connection string is stored sealed.</summary>
    public async Task<DatabaseInfo> RegisterAsync(RegisterDatabaseRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequirePlacement();
        if (!secrets.IsConfigured)
        {
            throw new ApiProblemException(StatusCodes.Status503ServiceUnavailable, ProblemCodes.NotConfigured, "Not configured",
                "Set Mnemo:EncryptionKey (32 bytes, base64): a database's connection string is stored encrypted.");
        }
        var id = request.Id!;
        if (id == databases.Registry.CatalogId || await databases.Registry.FindAsync(id, cancellationToken) is not null)
        {
            throw new ApiProblemException(StatusCodes.Status409Conflict, ProblemCodes.AlreadyExists, "Already exists", $"Database '{id}' is registered already.");
        }
        var connectionString = ConnectionStringOf(request.ConnectionString!);
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(ConnectTimeout);
            string markedAs;
            try
            {
                await using var database = new PostgresDatabase(connectionString);
                await new MigrationRunner(database, timeProvider).ApplyAsync(timeout.Token);
                markedAs = await DatabaseRegistry.MarkAsync(database, id, timeout.Token);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                // Whatever stopped it (no answer, refused credentials, a schema Mnemo did not write),
                // the database cannot be used; Npgsql's messages name no password.
                throw new ApiProblemException(StatusCodes.Status400BadRequest, ProblemCodes.DatabaseUnreachable, "Database unreachable",
                    $"Mnemo could not connect to database '{id}' and migrate it: {exception.Message}");
            }
            if (markedAs != id)
            {
                throw new ApiProblemException(StatusCodes.Status409Conflict, ProblemCodes.AlreadyExists, "Already exists",
                    $"That PostgreSQL database is registered already, as '{markedAs}'.");
            }
        }
        if (!await databases.Registry.AddAsync(id, secrets.Seal(connectionString), request.Status ?? DatabaseStatus.Open, cancellationToken))
        {
            throw new ApiProblemException(StatusCodes.Status409Conflict, ProblemCodes.AlreadyExists, "Already exists", $"Database '{id}' is registered already.");
        }
        return (await DescribeAsync([(await databases.Registry.FindAsync(id, cancellationToken))!], cancellationToken))[0];
    }

    /// <summary>Every database, the catalog first, each probed for its schema version.</summary>
    public async Task<IReadOnlyList<DatabaseInfo>> ListAsync(CancellationToken cancellationToken)
    {
        RequirePlacement();
        return await DescribeAsync(await databases.Registry.ListAsync(cancellationToken), cancellationToken);
    }

    /// <summary>One database, or null.</summary>
    public async Task<DatabaseInfo?> GetAsync(string databaseId, CancellationToken cancellationToken)
    {
        RequirePlacement();
        return await databases.Registry.FindAsync(databaseId, cancellationToken) is { } row
            ? (await DescribeAsync([row], cancellationToken))[0]
            : null;
    }

    /// <summary>Opens or closes a database to new tenants; null when there is no such database.</summary>
    public async Task<DatabaseInfo?> SetStatusAsync(string databaseId, string status, CancellationToken cancellationToken)
    {
        RequirePlacement();
        return await databases.Registry.SetStatusAsync(databaseId, status, cancellationToken)
            ? await GetAsync(databaseId, cancellationToken)
            : null;
    }

    /// <summary>Where <paramref name="tenantId"/> lives, or null when there is no such tenant.</summary>
    public async Task<TenantDatabaseResponse?> OfTenantAsync(string tenantId, CancellationToken cancellationToken)
    {
        var databaseId = await databases.Registry.DatabaseOfAsync(tenantId, cancellationToken);
        if (databaseId is null)
        {
            return null;
        }
        return new TenantDatabaseResponse
        {
            TenantId = tenantId,
            DatabaseId = databaseId,
            SchemaVersion = (await ProbeAsync(databaseId, cancellationToken)).SchemaVersion,
        };
    }

    /// <summary>
    /// Moves the tenant's data to <paramref name="databaseId"/> (<see cref="TenantMover"/>);
    /// <paramref name="announce"/> tells the other nodes once the catalog has the new placement.
    /// </summary>
    public async Task<MoveTenantResponse> MoveAsync(string tenantId, string databaseId, Func<string, Task> announce, CancellationToken cancellationToken)
    {
        RequirePlacement();
        if (await databases.Registry.FindAsync(databaseId, cancellationToken) is null)
        {
            throw ApiProblems.NotFoundError($"No database '{databaseId}' is registered.");
        }
        var mover = new TenantMover(databases, timeProvider, (tenant, _) => announce(tenant));
        try
        {
            var outcome = await mover.MoveAsync(tenantId, databaseId, cancellationToken);
            return new MoveTenantResponse
            {
                TenantId = tenantId,
                FromDatabaseId = outcome.FromDatabaseId,
                DatabaseId = databaseId,
                MovedRows = outcome.MovedRows,
                WritesPausedMs = (long)outcome.WritesPaused.TotalMilliseconds,
            };
        }
        catch (KeyNotFoundException)
        {
            throw ApiProblems.NotFoundError($"Tenant '{tenantId}' does not exist.");
        }
        catch (MoveRefusedException refused)
        {
            throw new ApiProblemException(StatusCodes.Status409Conflict, refused.Code, "Move refused", refused.Message);
        }
    }

    private static ApiProblemException Closed(string databaseId) =>
        new(StatusCodes.Status409Conflict, ProblemCodes.DatabaseClosed, "Database closed", $"Database '{databaseId}' is closed: it takes no new tenants.");

    private static string ConnectionStringOf(string given)
    {
        try
        {
            return given.StartsWith("postgres", StringComparison.OrdinalIgnoreCase) && given.Contains("://", StringComparison.Ordinal)
                ? StorageResolver.FromUrl(given)
                : new NpgsqlConnectionStringBuilder(given).ConnectionString;
        }
        catch (Exception exception) when (exception is ArgumentException or StorageConfigurationException or FormatException)
        {
            throw ApiProblems.InvalidField("connection_string", "is not an Npgsql connection string or a postgres:// URL");
        }
    }

    private async Task<IReadOnlyList<DatabaseInfo>> DescribeAsync(IReadOnlyList<DatabaseRow> rows, CancellationToken cancellationToken)
    {
        var probes = await Task.WhenAll(rows.Select(row => ProbeAsync(row.Id, cancellationToken)));
        return [.. rows.Select((row, i) => new DatabaseInfo
        {
            Id = row.Id,
            Status = row.Status,
            Catalog = row.IsCatalog,
            Tenants = row.Tenants,
            SchemaVersion = probes[i].SchemaVersion,
            Reachable = probes[i].Reachable,
        })];
    }

    private async Task<(bool Reachable, int? SchemaVersion)> ProbeAsync(string databaseId, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            var database = await databases.OpenAsync(databaseId, timeout.Token);
            return (true, await new MigrationRunner(database, timeProvider).CurrentVersionAsync(timeout.Token));
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return (false, null);
        }
    }
}
