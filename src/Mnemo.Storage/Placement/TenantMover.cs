using System.Diagnostics;
using Mnemo.Placement;
using Mnemo.Storage.Postgres;
using Npgsql;

namespace Mnemo.Storage.Placement;

/// <summary>What a move did.</summary>
public sealed record MoveOutcome(string FromDatabaseId, IReadOnlyDictionary<string, long> MovedRows, TimeSpan WritesPaused);

/// <summary>A move is refused before anything happened; <see cref="Code"/> says why.</summary>
public sealed class MoveRefusedException(string code, string message) : Exception(message)
{
    /// <summary><c>move_in_progress</c>, <c>database_closed</c>.</summary>
    public string Code { get; } = code;
}

/// <summary>
/// Moves a tenant's rows from the database it lives in to another (PostgreSQL), so that no write
/// acknowledged before, during or after the move is lost or doubled:
/// <list type="number">
/// <item>One move per tenant at a time: a session lock in the catalog (a node that dies releases it).</item>
/// <item>The tenant's placement lock, exclusive, on the source: it waits for the writes under way,
/// and from then on every write of the tenant is refused at once (<see cref="TenantFence"/>, 503).
/// Reads go on, from the source.</item>
/// <item>Every tenant table copied with binary COPY from one snapshot of the source into one
/// transaction on the target (leftovers of an interrupted move there are deleted first).</item>
/// <item>The switch (<see cref="SwitchAsync"/>): the source marked not placed, the target placed, the
/// catalog told; <paramref name="announce"/> tells the other nodes. A failure undoes it.</item>
/// <item>A node that has not heard still reads the source for up to <see cref="RoutedDatabase.PlacementLifetime"/>:
/// the move waits that out, writes still refused, then deletes the tenant's rows from the source
/// and releases the lock. A write sent to the source later finds the tenant not placed there (503),
/// and its retry reads the placement afresh.</item>
/// </list>
/// </summary>
public sealed class TenantMover(RoutedDatabase databases, TimeProvider timeProvider, Func<string, CancellationToken, Task> announce)
{
    /// <summary>Moves <paramref name="tenantId"/> to <paramref name="targetId"/>; nothing to do when it lives there already.</summary>
    /// <exception cref="KeyNotFoundException">The tenant or the target database does not exist.</exception>
    /// <exception cref="MoveRefusedException">Another move of the tenant is under way, or the target is closed.</exception>
    public async Task<MoveOutcome> MoveAsync(string tenantId, string targetId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(tenantId);
        var registry = databases.Registry;
        var target = await registry.FindAsync(targetId, cancellationToken) ?? throw new KeyNotFoundException($"database '{targetId}'");
        await using var catalogLock = await ((PostgresDatabase)databases.Catalog).OpenDirectConnectionAsync(cancellationToken);
        if (!await TryLockAsync(catalogLock, $"move:{tenantId}", cancellationToken))
        {
            throw new MoveRefusedException("move_in_progress", $"Tenant '{tenantId}' is being moved already.");
        }
        var sourceId = await registry.DatabaseOfAsync(tenantId, cancellationToken) ?? throw new KeyNotFoundException($"tenant '{tenantId}'");
        if (sourceId == targetId)
        {
            return new MoveOutcome(sourceId, new Dictionary<string, long>(), TimeSpan.Zero);
        }
        if (target.Status != DatabaseStatus.Open)
        {
            throw new MoveRefusedException("database_closed", $"Database '{targetId}' is closed: it takes no more tenants.");
        }
        var source = (PostgresDatabase)await databases.OpenAsync(sourceId, cancellationToken);
        var destination = (PostgresDatabase)await databases.OpenAsync(targetId, cancellationToken);
        var (sourceIsCatalog, targetIsCatalog) = (sourceId == registry.CatalogId, targetId == registry.CatalogId);

        await using var sourceConnection = await source.OpenDirectConnectionAsync(cancellationToken);
        await ExecuteAsync(sourceConnection, "SELECT pg_advisory_lock(hashtextextended(@key, 0))", cancellationToken, ("key", $"placement:{tenantId}"));
        var paused = Stopwatch.StartNew();
        try
        {
            var tables = await TenantRows.TablesAsync(sourceConnection, cancellationToken);
            var moved = await CopyAsync(sourceConnection, destination, tenantId, targetId, targetIsCatalog, tables, cancellationToken);
            // Past this point the move is not cancelled: it is finished, or undone.
            await SwitchAsync(source, destination, tenantId, targetId, targetIsCatalog, tables);
            databases.Forget(tenantId);
            await announce(tenantId, CancellationToken.None);
            // From here this node (and, with Redis, every node) writes to the target.
            var writesPaused = paused.Elapsed;
            // Nodes that have not heard read their placement again within its lifetime; until then
            // they read the source, so its rows stay (its writes refused) while that lasts.
            await Task.Delay(RoutedDatabase.PlacementLifetime + TimeSpan.FromSeconds(1), timeProvider, CancellationToken.None);
            await DeleteTenantAsync(sourceConnection, tenantId, tables, deleteItsRow: !sourceIsCatalog);
            return new MoveOutcome(sourceId, moved, writesPaused);
        }
        finally
        {
            try
            {
                await ExecuteAsync(sourceConnection, "SELECT pg_advisory_unlock(hashtextextended(@key, 0))", CancellationToken.None, ("key", $"placement:{tenantId}"));
            }
            catch (NpgsqlException)
            {
                // A broken connection: closing it (below) ends its session, which releases the lock,
                // and the failure that broke it is the one to report.
            }
        }
    }

    /// <summary>
    /// The switch, in an order whose every prefix is safe: the source stops taking the tenant's
    /// writes for good (its fence then refuses them even once the lock is released), the target
    /// starts, the catalog says so. If a step fails, or the tenant was deleted meanwhile (the
    /// catalog has no row to switch), the source takes writes again and the target's copy goes;
    /// unless the catalog, read again, says the switch did happen (its answer was lost).
    /// </summary>
    private async Task SwitchAsync(
        PostgresDatabase source, PostgresDatabase destination, string tenantId, string targetId, bool targetIsCatalog, IReadOnlyList<string> tables)
    {
        try
        {
            await SetPlacedAsync(source, tenantId, placed: false);
            if (!targetIsCatalog)
            {
                await SetPlacedAsync(destination, tenantId, placed: true);
            }
            if (!await databases.Registry.PlaceAsync(tenantId, targetId, CancellationToken.None))
            {
                throw new KeyNotFoundException($"tenant '{tenantId}' (deleted while it was being moved)");
            }
        }
        catch (Exception failure) when (failure is not KeyNotFoundException)
        {
            if (await SwitchedAnywayAsync(tenantId, targetId))
            {
                return;
            }
            await UndoAsync(source, destination, tenantId, targetIsCatalog, tables);
            throw;
        }
        catch (KeyNotFoundException)
        {
            await UndoAsync(source, destination, tenantId, targetIsCatalog, tables);
            throw;
        }
    }

    /// <summary>True when the catalog, read again, names the target: the switch committed though its answer was lost.</summary>
    private async Task<bool> SwitchedAnywayAsync(string tenantId, string targetId)
    {
        try
        {
            return await databases.Registry.DatabaseOfAsync(tenantId, CancellationToken.None) == targetId;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return false; // the catalog cannot say: the undo leaves the tenant where the catalog last put it
        }
    }

    /// <summary>
    /// Puts the tenant back in the source: the source first (on a connection of its own: the
    /// move's may be what broke), then, as far as it can, the target's copy is deleted.
    /// </summary>
    private static async Task UndoAsync(
        PostgresDatabase source, PostgresDatabase destination, string tenantId, bool targetIsCatalog, IReadOnlyList<string> tables)
    {
        try
        {
            await SetPlacedAsync(source, tenantId, placed: true);
        }
        finally
        {
            await using var target = await destination.OpenDirectConnectionAsync(CancellationToken.None);
            await DeleteTenantAsync(target, tenantId, tables, deleteItsRow: !targetIsCatalog);
        }
    }

    private static async Task<Dictionary<string, long>> CopyAsync(
        NpgsqlConnection source, PostgresDatabase destination, string tenantId, string targetId, bool targetIsCatalog, IReadOnlyList<string> tables,
        CancellationToken cancellationToken)
    {
        var moved = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var target = await destination.OpenDirectConnectionAsync(cancellationToken);
        await using var read = await source.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        await using var write = await target.BeginTransactionAsync(cancellationToken);
        if (!targetIsCatalog)
        {
            // An interrupted move may have left the tenant here: its copy and every row under it
            // go. The copy takes no writes until the switch.
            await ExecuteAsync(target, "DELETE FROM tenants WHERE id = @tenant", cancellationToken, ("tenant", tenantId));
            await CopyTableAsync(source, target, "tenants", tenantId, "id", cancellationToken);
            await ExecuteAsync(target, "UPDATE tenants SET database_id = @database, placed_here = false WHERE id = @tenant", cancellationToken,
                ("tenant", tenantId), ("database", targetId));
        }
        foreach (var table in tables)
        {
            // Whatever the target holds of the tenant here goes first: leftovers in the catalog,
            // or rows the triggers of tables copied before just wrote (a copied message puts
            // itself on the embedding backlog, whose own rows come next).
            await ExecuteAsync(target, $"DELETE FROM {Quote(table)} WHERE tenant_id = @tenant", cancellationToken, ("tenant", tenantId));
            moved[table] = await CopyTableAsync(source, target, table, tenantId, "tenant_id", cancellationToken);
        }
        await write.CommitAsync(cancellationToken);
        await read.CommitAsync(cancellationToken);
        return moved;
    }

    private static async Task<long> CopyTableAsync(
        NpgsqlConnection source, NpgsqlConnection target, string table, string tenantId, string keyColumn, CancellationToken cancellationToken)
    {
        var columns = await TenantRows.ColumnsAsync(source, table, cancellationToken);
        var list = string.Join(", ", columns.Select(column => Quote(column.Name)));
        // COPY takes no parameters; tenant ids are slugs ([a-z0-9_-]), quoted all the same.
        var filter = $"{Quote(keyColumn)} = '{tenantId.Replace("'", "''", StringComparison.Ordinal)}'";
        long count;
        await using (var counting = new NpgsqlCommand($"SELECT COUNT(*) FROM {Quote(table)} WHERE {filter}", source))
        {
            count = (long)(await counting.ExecuteScalarAsync(cancellationToken))!;
        }
        if (count == 0)
        {
            return 0;
        }
        await using (var reader = await source.BeginRawBinaryCopyAsync($"COPY (SELECT {list} FROM {Quote(table)} WHERE {filter}) TO STDOUT (FORMAT BINARY)", cancellationToken))
        await using (var writer = await target.BeginRawBinaryCopyAsync($"COPY {Quote(table)} ({list}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            await reader.CopyToAsync(writer, cancellationToken);
        }
        foreach (var (name, _) in columns.Where(column => column.Identity))
        {
            // Copied identities keep their values; the target's sequence must go past them.
            var sequence = $"pg_get_serial_sequence('{table}', '{name}')";
            await ExecuteAsync(target,
                $"SELECT setval({sequence}, GREATEST(nextval({sequence}), (SELECT COALESCE(MAX({Quote(name)}), 0) + 1 FROM {Quote(table)})))",
                cancellationToken);
        }
        return count;
    }

    /// <summary>Deletes the tenant's rows from every tenant table (and, in a registered database, its row of <c>tenants</c>).</summary>
    private static async Task DeleteTenantAsync(NpgsqlConnection connection, string tenantId, IReadOnlyList<string> tables, bool deleteItsRow)
    {
        await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
        // Twice: deleting a table's rows may make its triggers write rows of the tenant into a
        // table emptied before it (a vector's deletion counts in the user's vector version).
        foreach (var table in tables.Reverse().Concat(tables.Reverse()))
        {
            await ExecuteAsync(connection, $"DELETE FROM {Quote(table)} WHERE tenant_id = @tenant", CancellationToken.None, ("tenant", tenantId));
        }
        if (deleteItsRow)
        {
            await ExecuteAsync(connection, "DELETE FROM tenants WHERE id = @tenant", CancellationToken.None, ("tenant", tenantId));
        }
        await transaction.CommitAsync(CancellationToken.None);
    }

    private static async Task SetPlacedAsync(PostgresDatabase database, string tenantId, bool placed)
    {
        await using var connection = await database.OpenDirectConnectionAsync(CancellationToken.None);
        await ExecuteAsync(connection, "UPDATE tenants SET placed_here = @placed WHERE id = @tenant", CancellationToken.None, ("tenant", tenantId), ("placed", placed));
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection connection, string key, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtextextended(@key, 0))", connection);
        command.Parameters.AddWithValue("key", key);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
