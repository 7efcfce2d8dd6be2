using Npgsql;

namespace Mnemo.Storage.Placement;

/// <summary>
/// A tenant's rows in a PostgreSQL database, found from the schema itself: every table with a
/// <c>tenant_id</c> column but the catalog's own (<see cref="CatalogTables"/>), ordered so that a
/// table comes after the tables it references. A table a later migration adds is moved with the
/// rest without being named here.
/// </summary>
public static class TenantRows
{
    /// <summary>
    /// Tables with a <c>tenant_id</c> that stay in the catalog: the tenant's row, what authenticates
    /// it (keys, user sessions and their tokens, looked up before the tenant is known) and the
    /// platform's system assignments.
    /// </summary>
    public static readonly IReadOnlySet<string> CatalogTables = new HashSet<string>(StringComparer.Ordinal)
    {
        "tenants", "api_keys", "user_sessions", "user_tokens", "tenant_systems", "tenant_config_revisions",
    };

    private const string TablesSql = """
        SELECT c.relname
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname = current_schema()
          AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
        ORDER BY c.relname
        """;

    private const string ReferencesSql = """
        SELECT DISTINCT child.relname, parent.relname
        FROM pg_constraint k
        JOIN pg_class child ON child.oid = k.conrelid
        JOIN pg_class parent ON parent.oid = k.confrelid
        WHERE k.contype = 'f' AND k.conrelid <> k.confrelid
        """;

    // An identity column keeps its values when the primary key pairs it with tenant_id (message
    // seq: cursors and order name it); an identity that is a key of its own (the embedding
    // backlog's seq) would clash with other tenants' rows in the target, so it is numbered afresh.
    private const string ColumnsSql = """
        SELECT a.attname, a.attidentity <> '' AS identity,
               a.attidentity <> '' AND NOT EXISTS (
                   SELECT 1 FROM pg_index i JOIN pg_attribute k ON k.attrelid = i.indrelid AND k.attnum = ANY (i.indkey)
                   WHERE i.indrelid = a.attrelid AND i.indisprimary AND k.attname = 'tenant_id') AS renumbered
        FROM pg_attribute a
        WHERE a.attrelid = to_regclass(@table) AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
        ORDER BY a.attnum
        """;

    /// <summary>The tables holding tenant data, referenced tables first.</summary>
    public static async Task<IReadOnlyList<string>> TablesAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var tables = new List<string>();
        await using (var command = new NpgsqlCommand(TablesSql, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!CatalogTables.Contains(reader.GetString(0)))
                {
                    tables.Add(reader.GetString(0));
                }
            }
        }
        var parents = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        await using (var command = new NpgsqlCommand(ReferencesSql, connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!parents.TryGetValue(reader.GetString(0), out var list))
                {
                    parents[reader.GetString(0)] = list = [];
                }
                list.Add(reader.GetString(1));
            }
        }
        var ordered = new List<string>(tables.Count);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        void Place(string table)
        {
            if (!placed.Add(table))
            {
                return;
            }
            foreach (var parent in parents.GetValueOrDefault(table, []).Where(tables.Contains))
            {
                Place(parent);
            }
            ordered.Add(table);
        }
        tables.ForEach(Place);
        return ordered;
    }

    /// <summary>
    /// The columns a move copies, and which of them are identities whose values it keeps (the
    /// target's sequence must then pass them). Generated columns and identities numbered afresh
    /// are left to the target.
    /// </summary>
    public static async Task<IReadOnlyList<(string Name, bool Identity)>> ColumnsAsync(
        NpgsqlConnection connection, string table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(ColumnsSql, connection);
        command.Parameters.AddWithValue("table", table);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var columns = new List<(string, bool)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!reader.GetBoolean(2))
            {
                columns.Add((reader.GetString(0), reader.GetBoolean(1)));
            }
        }
        return columns;
    }

    /// <summary>Writes the catalog's row of <paramref name="tenantId"/> into <paramref name="home"/> (inserted, or updated where it is).</summary>
    public static async Task CopyCatalogRowAsync(MnemoDatabase catalog, MnemoDatabase home, string tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(home);
        const string readSql = "SELECT name, status, settings::text, created_at, updated_at, database_id FROM tenants WHERE id = @tenant_id";
        const string upsertSql = """
            INSERT INTO tenants (id, name, status, settings, created_at, updated_at, database_id, placed_here)
            VALUES (@tenant_id, @name, @status, CAST(@settings AS jsonb), @created_at, @updated_at, @database_id, true)
            ON CONFLICT (id) DO UPDATE SET
                name = EXCLUDED.name, status = EXCLUDED.status, settings = EXCLUDED.settings, updated_at = EXCLUDED.updated_at
            """;
        await using var session = await catalog.ReadAsync(tenantId, cancellationToken);
        await using var read = session.Command(readSql);
        var row = await read.SingleOrDefaultAsync(reader => (
            Name: reader.GetString(0), Status: reader.GetString(1), Settings: reader.GetString(2),
            CreatedAt: reader.GetValue(3), UpdatedAt: reader.GetValue(4), DatabaseId: reader.IsDBNull(5) ? null : reader.GetString(5)), cancellationToken);
        if (row.Name is null || row.DatabaseId is null)
        {
            return; // gone, or (moved meanwhile) living in the catalog itself
        }
        await home.WriteAsync(tenantId, async (copy, token) =>
        {
            await using var upsert = copy.Command(upsertSql)
                .With("name", row.Name).With("status", row.Status).With("settings", row.Settings)
                .With("created_at", row.CreatedAt).With("updated_at", row.UpdatedAt).With("database_id", row.DatabaseId);
            return await upsert.ExecuteAsync(token);
        }, cancellationToken);
    }

    /// <summary>Deletes <paramref name="tenantId"/>'s row from <paramref name="home"/>, and with it every row that references it.</summary>
    public static Task DeleteCopyAsync(MnemoDatabase home, string tenantId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(home);
        return home.WriteAsync(tenantId, async (session, token) =>
        {
            await using var delete = session.Command("DELETE FROM tenants WHERE id = @tenant_id");
            return await delete.ExecuteAsync(token);
        }, cancellationToken);
    }
}
