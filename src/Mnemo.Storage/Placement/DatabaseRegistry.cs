using System.Data.Common;
using Mnemo.Placement;

namespace Mnemo.Storage.Placement;

/// <summary>A row of the catalog's <c>databases</c> table; the catalog's own row has no connection.</summary>
public sealed record DatabaseRow(string Id, byte[]? ConnectionSecret, string Status, long Tenants)
{
    /// <summary>True for the catalog's own row.</summary>
    public bool IsCatalog => ConnectionSecret is null;
}

/// <summary>
/// The catalog's record of where tenants live: the <c>databases</c> table and <c>tenants.database_id</c>
/// (NULL: the catalog). Always read and written on the catalog itself.
/// </summary>
public sealed class DatabaseRegistry(MnemoDatabase catalog, string catalogId)
{
    private const string ListSql = """
        SELECT d.id, d.connection_secret, d.status,
               (SELECT COUNT(*) FROM tenants t WHERE COALESCE(t.database_id, @catalog_id) = d.id) AS tenants
        FROM databases d
        ORDER BY CASE WHEN d.connection_secret IS NULL THEN 0 ELSE 1 END, d.id
        """;

    /// <summary>The catalog's id as a database.</summary>
    public string CatalogId => catalogId;

    /// <summary>Adds the catalog's own row when it is missing (first start, or a new catalog id).</summary>
    /// <exception cref="Configuration.StorageConfigurationException">The catalog was first started under another id.</exception>
    public async Task EnsureCatalogRowAsync(CancellationToken cancellationToken)
    {
        await catalog.WriteAsync(async (session, token) =>
        {
            await using var command = session.Command("""
                INSERT INTO databases (id, connection_secret, status)
                SELECT @id, NULL, 'open' WHERE NOT EXISTS (SELECT 1 FROM databases WHERE connection_secret IS NULL)
                ON CONFLICT DO NOTHING
                """).With("id", catalogId);
            return await command.ExecuteAsync(token);
        }, cancellationToken);
        var markedAs = await MarkAsync(catalog, catalogId, cancellationToken);
        var listedAs = (await ListAsync(cancellationToken)).First(row => row.IsCatalog).Id;
        if (markedAs != catalogId || listedAs != catalogId)
        {
            throw new Configuration.StorageConfigurationException(
                $"Mnemo:Storage:DatabaseId is '{catalogId}', but this database was first started as '{listedAs}': set it back to '{listedAs}'.");
        }
    }

    /// <summary>
    /// Marks <paramref name="database"/> as <paramref name="databaseId"/> unless it is marked already;
    /// the id it answers to afterwards (another id: it is registered under that one).
    /// </summary>
    public static Task<string> MarkAsync(MnemoDatabase database, string databaseId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        return database.WriteAsync(async (session, token) =>
        {
            // One row at most: of nodes or registrations marking it at once, the first wins and the others read its id.
            await using (var mark = session.Command("INSERT INTO database_marker (database_id) VALUES (@id) ON CONFLICT DO NOTHING")
                .With("id", databaseId))
            {
                await mark.ExecuteAsync(token);
            }
            await using var read = session.Command("SELECT database_id FROM database_marker");
            return (string)(await read.ScalarAsync(token))!;
        }, cancellationToken);
    }

    /// <summary>Every database, the catalog first, each with its tenant count.</summary>
    public async Task<IReadOnlyList<DatabaseRow>> ListAsync(CancellationToken cancellationToken)
    {
        await using var session = await catalog.ReadAsync(cancellationToken);
        await using var command = session.Command(ListSql).With("catalog_id", catalogId);
        return await command.ListAsync(Read, cancellationToken);
    }

    /// <summary>One database, or null.</summary>
    public async Task<DatabaseRow?> FindAsync(string databaseId, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).FirstOrDefault(row => row.Id == databaseId);

    /// <summary>Records a registered database; false when the id is taken.</summary>
    public async Task<bool> AddAsync(string databaseId, byte[] connectionSecret, string status, CancellationToken cancellationToken)
    {
        try
        {
            return await catalog.WriteAsync(async (session, token) =>
            {
                await using var command = session.Command("INSERT INTO databases (id, connection_secret, status) VALUES (@id, @secret, @status)")
                    .With("id", databaseId).With("secret", connectionSecret).With("status", status);
                return await command.ExecuteAsync(token) == 1;
            }, cancellationToken);
        }
        catch (DbException exception) when (catalog.Dialect.IsUniqueViolation(exception))
        {
            return false;
        }
    }

    /// <summary>Sets a database's status; false when there is no such database.</summary>
    public Task<bool> SetStatusAsync(string databaseId, string status, CancellationToken cancellationToken) =>
        catalog.WriteAsync(async (session, token) =>
        {
            await using var command = session.Command("UPDATE databases SET status = @status WHERE id = @id").With("id", databaseId).With("status", status);
            return await command.ExecuteAsync(token) == 1;
        }, cancellationToken);

    /// <summary>The open database with the fewest tenants (ties by id), or null when none is open.</summary>
    public async Task<string?> LeastUsedOpenAsync(CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken))
            .Where(row => row.Status == DatabaseStatus.Open)
            .OrderBy(row => row.Tenants).ThenBy(row => row.Id, StringComparer.Ordinal)
            .Select(row => row.Id).FirstOrDefault();

    /// <summary>The database <paramref name="tenantId"/> lives in; null when there is no such tenant.</summary>
    public async Task<string?> DatabaseOfAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var session = await catalog.ReadAsync(cancellationToken);
        await using var command = session.Command("SELECT COALESCE(database_id, @catalog_id) FROM tenants WHERE id = @id")
            .With("id", tenantId).With("catalog_id", catalogId);
        return await command.ScalarAsync(cancellationToken) as string;
    }

    /// <summary>Records that <paramref name="tenantId"/> now lives in <paramref name="databaseId"/>; false when there is no such tenant.</summary>
    public Task<bool> PlaceAsync(string tenantId, string databaseId, CancellationToken cancellationToken) =>
        catalog.WriteAsync(async (session, token) =>
        {
            await using var command = session.Command("""
                UPDATE tenants SET database_id = @database_id, placed_here = @here WHERE id = @id
                """).With("id", tenantId).With("database_id", databaseId == catalogId ? null : databaseId).With("here", databaseId == catalogId);
            return await command.ExecuteAsync(token) == 1;
        }, cancellationToken);

    private static DatabaseRow Read(DbDataReader reader) => new(
        reader.GetString(0),
        reader.IsDBNull(1) ? null : (byte[])reader.GetValue(1),
        reader.GetString(2),
        Convert.ToInt64(reader.GetValue(3), System.Globalization.CultureInfo.InvariantCulture));
}
