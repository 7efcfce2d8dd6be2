using System.Data.Common;
using Mnemo.Json;
using Mnemo.Systems;

namespace Mnemo.Storage.Systems;

/// <summary>
/// The management system repository on either backend. Systems and their versions are the
/// platform's (no tenant); assignments and overrides are each tenant's.
/// </summary>
public sealed class SystemStore(MnemoDatabase database) : ISystemStore
{
    private const string Columns = "s.id, s.name, s.type, s.description, s.metadata, s.created_at, s.updated_at";

    private const string AssignmentColumns = "tenant_id, system_id, version, enabled, created_at, updated_at";

    private const string AssignedSql = "SELECT 1 FROM tenant_systems WHERE tenant_id = @tenant_id AND system_id = @system_id";

    private const string SystemExistsSql = "SELECT 1 FROM systems WHERE id = @system_id";

    private readonly SqlDialect _sql = database.Dialect;

    /// <inheritdoc />
    public Task<bool> CreateAsync(ManagementSystem system, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(system);
        return database.WriteAsync(async (session, token) =>
        {
            await using var command = Bind(session.Command("""
                INSERT INTO systems (id, name, type, description, metadata, created_at, updated_at)
                VALUES (@id, @name, @type, @description, @metadata, @created_at, @updated_at)
                ON CONFLICT DO NOTHING
                """), system).With("created_at", system.CreatedAt);
            return await command.ExecuteAsync(token) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ManagementSystem?> GetAsync(string systemId, string? tenantId, CancellationToken cancellationToken)
    {
        await using var session = await Session(tenantId, cancellationToken);
        await using var command = session.Command($"SELECT {Columns} FROM systems s {AssignedJoin(tenantId)} WHERE s.id = @system_id")
            .With("system_id", systemId);
        return await command.SingleOrDefaultAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ManagementSystem>> ListAsync(string? tenantId, string? afterId, int limit, CancellationToken cancellationToken)
    {
        await using var session = await Session(tenantId, cancellationToken);
        await using var command = session.Command($"SELECT {Columns} FROM systems s {AssignedJoin(tenantId)} WHERE s.id > @after_id ORDER BY s.id LIMIT @limit")
            .With("after_id", afterId ?? string.Empty).With("limit", limit);
        return await command.ListAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ManagementSystem?> ReplaceAsync(ManagementSystem system, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(system);
        return database.WriteAsync(async (session, token) =>
        {
            await using var command = Bind(session.Command($"""
                UPDATE systems SET name = @name, type = @type, description = @description, metadata = @metadata, updated_at = @updated_at
                WHERE id = @id
                RETURNING {Columns.Replace("s.", string.Empty, StringComparison.Ordinal)}
                """), system);
            return await command.SingleOrDefaultAsync(Read, token);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool?> AddVersionAsync(SystemVersion version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        return database.WriteAsync<bool?>(async (session, token) =>
        {
            if (!await ExistsAsync(session, version.SystemId, token))
            {
                return null;
            }
            await using var command = session.Command("""
                INSERT INTO system_versions (system_id, version, released_at, notes) VALUES (@system_id, @version, @released_at, @notes)
                ON CONFLICT DO NOTHING
                """)
                .With("system_id", version.SystemId).With("version", version.Version).With("released_at", version.ReleasedAt).With("notes", version.Notes);
            return await command.ExecuteAsync(token) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SystemVersion>> ListVersionsAsync(string systemId, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(cancellationToken);
        await using var command = session.Command(
            "SELECT system_id, version, released_at, notes FROM system_versions WHERE system_id = @system_id ORDER BY released_at DESC, version DESC")
            .With("system_id", systemId);
        return await command.ListAsync(reader => new SystemVersion
        {
            SystemId = reader.GetString(0), Version = reader.GetString(1), ReleasedAt = _sql.GetTimestamp(reader, 2), Notes = reader.GetString(3),
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<(TenantSystem? Assignment, bool VersionMissing)> AssignAsync(TenantSystem assignment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        return database.WriteAsync(assignment.TenantId, async (session, token) =>
        {
            if (!await ExistsAsync(session, assignment.SystemId, token))
            {
                return ((TenantSystem?)null, false);
            }
            if (assignment.Version is { } version)
            {
                await using var known = session.Command("SELECT 1 FROM system_versions WHERE system_id = @system_id AND version = @version")
                    .With("system_id", assignment.SystemId).With("version", version);
                if (await known.ScalarAsync(token) is null)
                {
                    return (null, true);
                }
            }
            await using var command = session.Command($"""
                INSERT INTO tenant_systems (tenant_id, system_id, version, enabled, created_at, updated_at)
                VALUES (@tenant_id, @system_id, @version, @enabled, @now, @now)
                ON CONFLICT (tenant_id, system_id) DO UPDATE SET version = excluded.version, enabled = excluded.enabled, updated_at = excluded.updated_at
                RETURNING {AssignmentColumns}
                """)
                .With("system_id", assignment.SystemId).With("version", assignment.Version).With("enabled", assignment.Enabled).With("now", assignment.UpdatedAt);
            return (await command.SingleOrDefaultAsync(ReadAssignment, token), false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> UnassignAsync(string tenantId, string systemId, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            await using var overrides = session.Command("DELETE FROM tenant_config_revisions WHERE tenant_id = @tenant_id AND system_id = @system_id")
                .With("system_id", systemId);
            await overrides.ExecuteAsync(token);
            await using var command = session.Command("DELETE FROM tenant_systems WHERE tenant_id = @tenant_id AND system_id = @system_id").With("system_id", systemId);
            return await command.ExecuteAsync(token) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<TenantSystem>> ListAssignedAsync(string tenantId, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command($"SELECT {AssignmentColumns} FROM tenant_systems WHERE tenant_id = @tenant_id ORDER BY system_id");
        return await command.ListAsync(ReadAssignment, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ConfigRevision?> GetConfigAsync(string systemId, string? tenantId, CancellationToken cancellationToken)
    {
        await using var session = await Session(tenantId, cancellationToken);
        if (!await OwnerExistsAsync(session, systemId, tenantId, cancellationToken))
        {
            return null;
        }
        return await LatestAsync(session, systemId, tenantId, cancellationToken) ?? new ConfigRevision { Revision = 0, Config = JsonObjects.Empty };
    }

    /// <inheritdoc />
    public Task<(ConfigWrite Outcome, ConfigRevision? Revision)> WriteConfigAsync(
        string systemId, string? tenantId, long expectedRevision, string configJson, DateTimeOffset now, CancellationToken cancellationToken)
    {
        async Task<(ConfigWrite, ConfigRevision?)> WriteAsync(StoreSession session, CancellationToken token)
        {
            if (!await OwnerExistsAsync(session, systemId, tenantId, token))
            {
                return (ConfigWrite.NotFound, null);
            }
            // Two writers expecting the same revision both try to insert the next: the key lets one through.
            var sql = tenantId is null
                ? "INSERT INTO system_config_revisions (system_id, revision, config, created_at) VALUES (@system_id, @revision, @config, @now) ON CONFLICT DO NOTHING"
                : "INSERT INTO tenant_config_revisions (tenant_id, system_id, revision, config, created_at) VALUES (@tenant_id, @system_id, @revision, @config, @now) ON CONFLICT DO NOTHING";
            var current = (await LatestAsync(session, systemId, tenantId, token))?.Revision ?? 0;
            if (current != expectedRevision)
            {
                return (ConfigWrite.Stale, null);
            }
            await using var command = session.Command(sql)
                .With("system_id", systemId).With("revision", expectedRevision + 1).WithJson("config", configJson).With("now", now);
            return await command.ExecuteAsync(token) == 1
                ? (ConfigWrite.Written, new ConfigRevision { Revision = expectedRevision + 1, Config = JsonObjects.Parse(configJson), UpdatedAt = now })
                : (ConfigWrite.Stale, null);
        }

        return tenantId is null ? database.WriteAsync(WriteAsync, cancellationToken) : database.WriteAsync(tenantId, WriteAsync, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<ConfigRevision>?> ListConfigRevisionsAsync(string systemId, string? tenantId, int limit, CancellationToken cancellationToken)
    {
        await using var session = await Session(tenantId, cancellationToken);
        if (!await OwnerExistsAsync(session, systemId, tenantId, cancellationToken))
        {
            return null;
        }
        await using var command = session.Command($"{RevisionsSql(tenantId)} LIMIT @limit").With("system_id", systemId).With("limit", limit);
        return await command.ListAsync(ReadRevision, cancellationToken);
    }

    private async Task<ConfigRevision?> LatestAsync(StoreSession session, string systemId, string? tenantId, CancellationToken cancellationToken)
    {
        await using var command = session.Command($"{RevisionsSql(tenantId)} LIMIT 1").With("system_id", systemId);
        return await command.SingleOrDefaultAsync(ReadRevision, cancellationToken);
    }

    private static string RevisionsSql(string? tenantId) => tenantId is null
        ? "SELECT revision, config, created_at FROM system_config_revisions WHERE system_id = @system_id ORDER BY revision DESC"
        : "SELECT revision, config, created_at FROM tenant_config_revisions WHERE tenant_id = @tenant_id AND system_id = @system_id ORDER BY revision DESC";

    /// <summary>The system, or (for a tenant) its assignment to the tenant.</summary>
    private static async Task<bool> OwnerExistsAsync(StoreSession session, string systemId, string? tenantId, CancellationToken cancellationToken)
    {
        await using var command = session.Command(tenantId is null ? SystemExistsSql : AssignedSql).With("system_id", systemId);
        return await command.ScalarAsync(cancellationToken) is not null;
    }

    private static async Task<bool> ExistsAsync(StoreSession session, string systemId, CancellationToken cancellationToken)
    {
        await using var command = session.Command(SystemExistsSql).With("system_id", systemId);
        return await command.ScalarAsync(cancellationToken) is not null;
    }

    private ValueTask<StoreSession> Session(string? tenantId, CancellationToken cancellationToken) =>
        tenantId is null ? database.ReadAsync(cancellationToken) : database.ReadAsync(tenantId, cancellationToken);

    // A tenant's view holds only the systems assigned to it.
    private static string AssignedJoin(string? tenantId) =>
        tenantId is null ? string.Empty : "JOIN tenant_systems t ON t.system_id = s.id AND t.tenant_id = @tenant_id";

    private static SqlCommand Bind(SqlCommand command, ManagementSystem system) => command
        .With("id", system.Id)
        .With("name", system.Name)
        .With("type", system.Type)
        .With("description", system.Description)
        .WithJson("metadata", system.Metadata.GetRawText())
        .With("updated_at", system.UpdatedAt);

    private ManagementSystem Read(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        Type = reader.GetString(2),
        Description = reader.GetString(3),
        Metadata = JsonObjects.Parse(_sql.GetJson(reader, 4)),
        CreatedAt = _sql.GetTimestamp(reader, 5),
        UpdatedAt = _sql.GetTimestamp(reader, 6),
    };

    private TenantSystem ReadAssignment(DbDataReader reader) => new()
    {
        TenantId = reader.GetString(0),
        SystemId = reader.GetString(1),
        Version = reader.IsDBNull(2) ? null : reader.GetString(2),
        Enabled = reader.GetBoolean(3),
        CreatedAt = _sql.GetTimestamp(reader, 4),
        UpdatedAt = _sql.GetTimestamp(reader, 5),
    };

    private ConfigRevision ReadRevision(DbDataReader reader) => new()
    {
        Revision = reader.GetInt64(0),
        Config = JsonObjects.Parse(_sql.GetJson(reader, 1)),
        UpdatedAt = _sql.GetTimestamp(reader, 2),
    };
}
