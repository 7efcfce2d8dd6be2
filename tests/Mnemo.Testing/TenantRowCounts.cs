using Npgsql;

namespace Mnemo.Testing;

/// <summary>A tenant's rows as a PostgreSQL database holds them, read directly (not through Mnemo).</summary>
public static class TenantRowCounts
{
    /// <summary>The tenant's rows in every table that has a <c>tenant_id</c> column, and its own row in <c>tenants</c>.</summary>
    public static async Task<Dictionary<string, long>> InEveryTableAsync(string connectionString, string tenantId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var tables = new List<string>();
        await using (var list = new NpgsqlCommand(
            "SELECT table_name FROM information_schema.columns WHERE column_name = 'tenant_id' AND table_schema = current_schema() ORDER BY 1", connection))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (table, column) in tables.Select(table => (table, "tenant_id")).Append(("tenants", "id")))
        {
            await using var count = new NpgsqlCommand($"SELECT COUNT(*) FROM \"{table}\" WHERE {column} = @tenant", connection);
            count.Parameters.AddWithValue("tenant", tenantId);
            counts[table] = (long)(await count.ExecuteScalarAsync())!;
        }
        return counts;
    }

    /// <summary>How many of the tenant's messages carry each idempotency key.</summary>
    public static async Task<Dictionary<string, long>> MessageKeysAsync(string connectionString, string tenantId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT idempotency_key, COUNT(*) FROM messages WHERE tenant_id = @tenant AND idempotency_key IS NOT NULL GROUP BY 1", connection);
        command.Parameters.AddWithValue("tenant", tenantId);
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new Dictionary<string, long>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            keys[reader.GetString(0)] = reader.GetInt64(1);
        }
        return keys;
    }
}
