using System.Data.Common;
using System.Globalization;
using Mnemo.Extensions;
using Mnemo.Json;
using Mnemo.Storage.Users;

namespace Mnemo.Storage.Extensions;

/// <summary>User extensions, their metrics and practicality factors, on either backend.</summary>
public sealed class ExtensionStore(MnemoDatabase database) : IExtensionStore
{
    // Practicality: the factors' mean weighted by the registry's current weights.
    private const string Columns = """
        e.id, e.user_id, e.name, e.type, e.config, e.enabled, e.metadata, e.created_at, e.updated_at,
        (SELECT SUM(x.value * f.weight) / NULLIF(SUM(f.weight), 0) FROM extension_factors x
            JOIN factors f ON f.tenant_id = x.tenant_id AND f.id = x.factor_id
            WHERE x.tenant_id = e.tenant_id AND x.extension_id = e.id) AS practicality
        """;

    private const string OneSql = $"SELECT {Columns} FROM extensions e WHERE e.tenant_id = @tenant_id AND e.user_id = @user_id AND e.id = @id";

    private const string ExistsSql = "SELECT 1 FROM extensions WHERE tenant_id = @tenant_id AND user_id = @user_id AND id = @id";

    private readonly SqlDialect _sql = database.Dialect;

    /// <inheritdoc />
    public Task<bool> CreateAsync(string tenantId, UserExtension extension, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(extension);
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            if (!await UserRows.ExistsAsync(session, extension.UserId, token))
            {
                return false;
            }
            await using var command = session.Command("""
                INSERT INTO extensions (tenant_id, id, user_id, name, type, config, enabled, metadata, created_at, updated_at)
                VALUES (@tenant_id, @id, @user_id, @name, @type, @config, @enabled, @metadata, @now, @now)
                """)
                .With("id", extension.Id.ToString())
                .With("user_id", extension.UserId)
                .With("name", extension.Name)
                .With("type", extension.Type)
                .WithJson("config", extension.Config.GetRawText())
                .With("enabled", extension.Enabled)
                .WithJson("metadata", extension.Metadata.GetRawText())
                .With("now", extension.CreatedAt);
            await command.ExecuteAsync(token);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<UserExtension?> GetAsync(string tenantId, string userId, Guid extensionId, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(OneSql).With("user_id", userId).With("id", extensionId.ToString());
        return await command.SingleOrDefaultAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<UserExtension>?> ListAsync(string tenantId, string userId, Guid? after, int limit, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        if (!await UserRows.ExistsAsync(session, userId, cancellationToken))
        {
            return null;
        }
        // Ids are UUIDv7 strings of one length and case: their text order is their time order.
        await using var command = session.Command($"""
            SELECT {Columns} FROM extensions e
            WHERE e.tenant_id = @tenant_id AND e.user_id = @user_id AND e.id > @after
            ORDER BY e.id LIMIT @limit
            """).With("user_id", userId).With("after", after?.ToString() ?? string.Empty).With("limit", limit);
        return await command.ListAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public Task<UserExtension?> UpdateAsync(string tenantId, string userId, Guid extensionId, ExtensionChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            await using (var update = session.Command("""
                UPDATE extensions SET
                    name = COALESCE(@name, name), type = COALESCE(@type, type), config = COALESCE(@config, config),
                    enabled = COALESCE(@enabled, enabled), metadata = COALESCE(@metadata, metadata), updated_at = @now
                WHERE tenant_id = @tenant_id AND user_id = @user_id AND id = @id
                """)
                .With("user_id", userId).With("id", extensionId.ToString())
                .With("name", change.Name).With("type", change.Type).WithJson("config", change.ConfigJson)
                .With("enabled", change.Enabled).WithJson("metadata", change.MetadataJson).With("now", change.Now))
            {
                if (await update.ExecuteAsync(token) == 0)
                {
                    return null;
                }
            }
            await using var read = session.Command(OneSql).With("user_id", userId).With("id", extensionId.ToString());
            return await read.SingleOrDefaultAsync(Read, token);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string tenantId, string userId, Guid extensionId, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            if (!await ExistsAsync(session, userId, extensionId, token))
            {
                return false;
            }
            await using (var assignments = session.Command(
                "DELETE FROM entity_assignments WHERE tenant_id = @tenant_id AND entity_type = 'extension' AND entity_id = @id").With("id", extensionId.ToString()))
            {
                await assignments.ExecuteAsync(token);
            }
            // Metrics and factors go with it (ON DELETE CASCADE).
            await using var command = session.Command("DELETE FROM extensions WHERE tenant_id = @tenant_id AND user_id = @user_id AND id = @id")
                .With("user_id", userId).With("id", extensionId.ToString());
            return await command.ExecuteAsync(token) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RecordAsync(string tenantId, string userId, Guid extensionId, IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(points);
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            if (!await ExistsAsync(session, userId, extensionId, token))
            {
                return false;
            }
            // A hundred rows a statement: a batch of a thousand is ten round trips, not a thousand.
            foreach (var chunk in points.Chunk(100))
            {
                var rows = chunk.Select((_, i) => $"(@tenant_id, @extension_id, @id{i}, @user_id, @name{i}, @value{i}, @recorded_at{i})");
                await using var command = session.Command(
                        $"INSERT INTO extension_metrics (tenant_id, extension_id, id, user_id, name, value, recorded_at) VALUES {string.Join(", ", rows)}")
                    .With("extension_id", extensionId.ToString()).With("user_id", userId);
                for (var i = 0; i < chunk.Length; i++)
                {
                    command.With($"id{i}", Guid.CreateVersion7().ToString()).With($"name{i}", chunk[i].Name)
                        .With($"value{i}", chunk[i].Value).With($"recorded_at{i}", chunk[i].RecordedAt);
                }
                await command.ExecuteAsync(token);
            }
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MetricPoint>?> PointsAsync(
        string tenantId, string userId, Guid extensionId, string? name, DateTimeOffset? since, DateTimeOffset? until, int limit, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        if (!await ExistsAsync(session, userId, extensionId, cancellationToken))
        {
            return null;
        }
        await using var command = session.Command($"""
            SELECT name, value, recorded_at FROM extension_metrics
            WHERE tenant_id = @tenant_id AND extension_id = @extension_id
                {(name is null ? string.Empty : "AND name = @name")}
                {(since is null ? string.Empty : "AND recorded_at >= @since")}
                {(until is null ? string.Empty : "AND recorded_at < @until")}
            ORDER BY recorded_at, id LIMIT @limit
            """)
            .With("extension_id", extensionId.ToString()).With("name", name).With("since", since).With("until", until).With("limit", limit);
        return await command.ListAsync(reader => new MetricPoint { Name = reader.GetString(0), Value = reader.GetDouble(1), RecordedAt = _sql.GetTimestamp(reader, 2) },
            cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<MetricPoint> StreamPointsAsync(
        string tenantId, Guid extensionId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        const int PageSize = 1000;
        (DateTimeOffset At, string Id)? after = null;
        while (true)
        {
            List<(MetricPoint Point, string Id)> page;
            await using (var session = await database.ReadAsync(tenantId, cancellationToken))
            {
                await using var command = session.Command($"""
                    SELECT name, value, recorded_at, id FROM extension_metrics
                    WHERE tenant_id = @tenant_id AND extension_id = @extension_id
                        {(after is null ? string.Empty : "AND (recorded_at > @at OR (recorded_at = @at AND id > @id))")}
                    ORDER BY recorded_at, id LIMIT @limit
                    """)
                    .With("extension_id", extensionId.ToString()).With("at", after?.At).With("id", after?.Id).With("limit", PageSize);
                page = await command.ListAsync(reader => (new MetricPoint
                {
                    Name = reader.GetString(0), Value = reader.GetDouble(1), RecordedAt = _sql.GetTimestamp(reader, 2),
                }, reader.GetString(3)), cancellationToken);
            }
            foreach (var (point, _) in page)
            {
                yield return point;
            }
            if (page.Count < PageSize)
            {
                yield break;
            }
            after = (page[^1].Point.RecordedAt, page[^1].Id);
        }
    }

    /// <inheritdoc />
    public Task<bool> SetFactorsAsync(string tenantId, string userId, Guid extensionId, IReadOnlyDictionary<string, double> factors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(factors);
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            if (!await ExistsAsync(session, userId, extensionId, token))
            {
                return false;
            }
            await using (var clear = session.Command("DELETE FROM extension_factors WHERE tenant_id = @tenant_id AND extension_id = @extension_id")
                .With("extension_id", extensionId.ToString()))
            {
                await clear.ExecuteAsync(token);
            }
            foreach (var (factorId, value) in factors)
            {
                await using var command = session.Command("""
                    INSERT INTO extension_factors (tenant_id, extension_id, factor_id, user_id, value)
                    VALUES (@tenant_id, @extension_id, @factor_id, @user_id, @value)
                    """)
                    .With("extension_id", extensionId.ToString()).With("factor_id", factorId).With("user_id", userId).With("value", value);
                await command.ExecuteAsync(token);
            }
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ExtensionFactorsResponse?> GetFactorsAsync(string tenantId, string userId, Guid extensionId, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var extension = session.Command(OneSql).With("user_id", userId).With("id", extensionId.ToString());
        if (await extension.SingleOrDefaultAsync(Read, cancellationToken) is not { } found)
        {
            return null;
        }
        await using var command = session.Command("SELECT factor_id, value FROM extension_factors WHERE tenant_id = @tenant_id AND extension_id = @extension_id ORDER BY factor_id")
            .With("extension_id", extensionId.ToString());
        var values = await command.ListAsync(reader => (Id: reader.GetString(0), Value: reader.GetDouble(1)), cancellationToken);
        return new ExtensionFactorsResponse
        {
            ExtensionId = extensionId,
            Factors = values.ToDictionary(pair => pair.Id, pair => pair.Value, StringComparer.Ordinal),
            Practicality = found.Practicality,
        };
    }

    private static async Task<bool> ExistsAsync(StoreSession session, string userId, Guid extensionId, CancellationToken cancellationToken)
    {
        await using var command = session.Command(ExistsSql).With("user_id", userId).With("id", extensionId.ToString());
        return await command.ScalarAsync(cancellationToken) is not null;
    }

    private UserExtension Read(DbDataReader reader) => new()
    {
        Id = Guid.Parse(reader.GetString(0), CultureInfo.InvariantCulture),
        UserId = reader.GetString(1),
        Name = reader.GetString(2),
        Type = reader.GetString(3),
        Config = JsonObjects.Parse(_sql.GetJson(reader, 4)),
        Enabled = reader.GetBoolean(5),
        Metadata = JsonObjects.Parse(_sql.GetJson(reader, 6)),
        CreatedAt = _sql.GetTimestamp(reader, 7),
        UpdatedAt = _sql.GetTimestamp(reader, 8),
        Practicality = reader.IsDBNull(9) ? null : reader.GetDouble(9),
    };
}
