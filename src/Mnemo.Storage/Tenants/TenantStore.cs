using System.Data.Common;
using System.Text.Json;
using Mnemo.Json;
using Mnemo.Tenants;

namespace Mnemo.Storage.Tenants;

/// <summary>Tenants on either backend.</summary>
public sealed class TenantStore(MnemoDatabase database) : ITenantStore
{
    private const string Columns = "id, name, status, settings, created_at, updated_at";

    private const string InsertSql = $"""
        INSERT INTO tenants ({Columns}, database_id, placed_here)
        VALUES (@id, @name, @status, @settings, @created_at, @updated_at, @database_id, @placed_here)
        """;

    private const string SelectOneSql = $"SELECT {Columns} FROM tenants WHERE id = @id";

    private const string SelectPageSql = $"""
        SELECT {Columns} FROM tenants
        WHERE CAST(@after_id AS text) IS NULL OR id > CAST(@after_id AS text)
        ORDER BY id
        LIMIT @limit
        """;

    private const string DeleteSql = "DELETE FROM tenants WHERE id = @id RETURNING database_id";

    private const string SelectPlacedHerePageSql = $"""
        SELECT {Columns} FROM tenants
        WHERE placed_here AND (CAST(@after_id AS text) IS NULL OR id > CAST(@after_id AS text))
        ORDER BY id
        LIMIT @limit
        """;

    private readonly SqlDialect _sql = database.Dialect;

    /// <inheritdoc />
    public async Task<bool> CreateAsync(Tenant tenant, string? databaseId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        bool created;
        try
        {
            created = await database.WriteAsync(async (session, token) =>
            {
                await using var command = session.Command(InsertSql)
                    .With("database_id", databaseId)
                    .With("placed_here", databaseId is null)
                    .With("id", tenant.Id)
                    .With("name", tenant.Name)
                    .With("status", tenant.Status)
                    .WithJson("settings", JsonSerializer.Serialize(tenant.Settings, StoredJson.TenantSettings))
                    .With("created_at", tenant.CreatedAt)
                    .With("updated_at", tenant.UpdatedAt);
                await command.ExecuteAsync(token);
                return true;
            }, cancellationToken);
        }
        catch (DbException exception) when (_sql.IsUniqueViolation(exception))
        {
            return false;
        }
        if (!created)
        {
            return false;
        }
        try
        {
            await database.MirrorTenantAsync(tenant.Id, created: true, formerDatabaseId: null, cancellationToken);
        }
        catch
        {
            // Its database could not take it: no tenant, rather than one whose writes all fail.
            await DeleteAsync(tenant.Id, CancellationToken.None);
            throw;
        }
        return true;
    }

    /// <inheritdoc />
    public async Task<Tenant?> GetAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(cancellationToken);
        await using var command = session.Command(SelectOneSql).With("id", tenantId);
        return await command.SingleOrDefaultAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Tenant>> ListAsync(string? afterId, int limit, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(cancellationToken);
        await using var command = session.Command(SelectPageSql).With("after_id", afterId).With("limit", limit);
        return await command.ListAsync(Read, cancellationToken);
    }

    /// <summary>
    /// A page of the tenants whose data lives in the database at hand (for a job sweeping each
    /// database: the catalog also lists the tenants placed elsewhere).
    /// </summary>
    public async Task<IReadOnlyList<Tenant>> ListPlacedHereAsync(string? afterId, int limit, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(cancellationToken);
        await using var command = session.Command(SelectPlacedHerePageSql).With("after_id", afterId).With("limit", limit);
        return await command.ListAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Tenant?> UpdateAsync(string tenantId, TenantUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        const string updateSql = $"""
            UPDATE tenants SET
                name = COALESCE(@name, name),
                status = COALESCE(@status, status),
                settings = @settings,
                updated_at = @updated_at
            WHERE id = @id
            RETURNING {Columns}
            """;
        // The stored settings are read with the row locked (PostgreSQL) or under the single
        // writer (SQLite), merged key by key, and written back: two concurrent partial updates
        // of different settings both survive.
        var updated = await database.WriteAsync(async (session, token) =>
        {
            await using var read = session.Command($"SELECT settings FROM tenants WHERE id = @id {_sql.ForUpdate}")
                .With("id", tenantId);
            if (await read.SingleOrDefaultAsync(reader => _sql.GetJson(reader, 0), token) is not { } stored)
            {
                return null;
            }
            var settings = update.SettingsPatchJson is null ? stored : JsonObjects.MergeTopLevel(stored, update.SettingsPatchJson);
            await using var command = session.Command(updateSql)
                .With("id", tenantId)
                .With("name", update.Name)
                .With("status", update.Status)
                .WithJson("settings", settings)
                .With("updated_at", update.UpdatedAt);
            return await command.SingleOrDefaultAsync(Read, token);
        }, cancellationToken);
        if (updated is not null)
        {
            await database.MirrorTenantAsync(tenantId, created: false, formerDatabaseId: null, cancellationToken);
        }
        return updated;
    }

    /// <inheritdoc />
    public async Task<bool> DeleteAsync(string tenantId, CancellationToken cancellationToken)
    {
        var deleted = await database.WriteAsync(async (session, token) =>
        {
            await using var command = session.Command(DeleteSql).With("id", tenantId);
            return await command.SingleOrDefaultAsync(reader => (Found: true, DatabaseId: reader.IsDBNull(0) ? null : reader.GetString(0)), token);
        }, cancellationToken);
        if (deleted.Found)
        {
            await database.MirrorTenantAsync(tenantId, created: false, deleted.DatabaseId, cancellationToken);
        }
        return deleted.Found;
    }

    private Tenant Read(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        Status = reader.GetString(2),
        Settings = JsonSerializer.Deserialize(_sql.GetJson(reader, 3), StoredJson.TenantSettings) ?? new TenantSettings(),
        CreatedAt = _sql.GetTimestamp(reader, 4),
        UpdatedAt = _sql.GetTimestamp(reader, 5),
    };
}
