using System.Data.Common;
using Mnemo.Categories;

namespace Mnemo.Storage.Categories;

/// <summary>Entity assignments on either backend.</summary>
public sealed class EntityAssignmentStore(MnemoDatabase database) : IEntityAssignmentStore
{
    private const string Columns = "id, entity_type, entity_id, category_id, factor_values, created_at";

    private const string InsertSql = """
        INSERT INTO entity_assignments (tenant_id, id, entity_type, entity_id, category_id, factor_values, created_at)
        VALUES (@tenant_id, @id, @entity_type, @entity_id, @category_id, @factor_values, @created_at)
        ON CONFLICT DO NOTHING
        """;

    private const string SelectSql = $"SELECT {Columns} FROM entity_assignments WHERE tenant_id = @tenant_id AND id = @id";

    // Where each kind of entity lives; the statement finds it in the session's tenant.
    private static readonly Dictionary<string, string?> EntityExistsSql = new(StringComparer.Ordinal)
    {
        ["user"] = "SELECT 1 FROM users WHERE tenant_id = @tenant_id AND id = @entity_id",
        ["campaign"] = "SELECT 1 FROM campaigns WHERE tenant_id = @tenant_id AND id = @entity_id",
        ["extension"] = "SELECT 1 FROM extensions WHERE tenant_id = @tenant_id AND id = @entity_id",
        // A system is the tenant's once assigned to it; assignments live in the catalog, which
        // may be another database than the tenant's: the caller checks (ISystemStore.GetAsync).
        ["system"] = null,
    };

    private readonly SqlDialect _sql = database.Dialect;

    /// <inheritdoc />
    public Task<RegistryChange<EntityAssignment>> CreateAsync(string tenantId, EntityAssignment assignment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            if (!EntityExistsSql.TryGetValue(assignment.EntityType, out var existsSql))
            {
                return new RegistryChange<EntityAssignment>(RegistryOutcome.EntityMissing);
            }
            if (existsSql is not null)
            {
                await using var entity = session.Command(existsSql).With("entity_id", assignment.EntityId);
                if (await entity.ScalarAsync(token) is null)
                {
                    return new RegistryChange<EntityAssignment>(RegistryOutcome.EntityMissing);
                }
            }
            if (!await CategoryStore.ExistsAsync(session, assignment.CategoryId, token))
            {
                return new RegistryChange<EntityAssignment>(RegistryOutcome.CategoryMissing);
            }
            await using var command = session.Command(InsertSql)
                .With("id", assignment.Id)
                .With("entity_type", assignment.EntityType)
                .With("entity_id", assignment.EntityId)
                .With("category_id", assignment.CategoryId)
                .WithJson("factor_values", StoredJson.FactorValues(assignment.FactorValues))
                .With("created_at", assignment.CreatedAt);
            return await command.ExecuteAsync(token) == 1
                ? new RegistryChange<EntityAssignment>(RegistryOutcome.Done, assignment)
                : new RegistryChange<EntityAssignment>(RegistryOutcome.Exists);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<EntityAssignment?> GetAsync(string tenantId, Guid assignmentId, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(SelectSql).With("id", assignmentId);
        return await command.SingleOrDefaultAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<EntityAssignment>> ListAsync(string tenantId, EntityAssignmentQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = $"""
            SELECT {Columns} FROM entity_assignments
            WHERE tenant_id = @tenant_id
                {(query.After is null ? string.Empty : "AND id > @after")}
                {(query.EntityType is null ? string.Empty : "AND entity_type = @entity_type")}
                {(query.EntityId is null ? string.Empty : "AND entity_id = @entity_id")}
                {(query.CategoryId is null ? string.Empty : "AND category_id = @category_id")}
            ORDER BY id LIMIT @limit
            """;
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(sql)
            .With("after", query.After)
            .With("entity_type", query.EntityType)
            .With("entity_id", query.EntityId)
            .With("category_id", query.CategoryId)
            .With("limit", query.Limit);
        return await command.ListAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string tenantId, Guid assignmentId, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            await using var command = session.Command("DELETE FROM entity_assignments WHERE tenant_id = @tenant_id AND id = @id").With("id", assignmentId);
            return await command.ExecuteAsync(token) == 1;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<int> DeleteForEntityAsync(string tenantId, string entityType, string entityId, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            await using var command = session.Command("DELETE FROM entity_assignments WHERE tenant_id = @tenant_id AND entity_type = @entity_type AND entity_id = @entity_id")
                .With("entity_type", entityType).With("entity_id", entityId);
            return await command.ExecuteAsync(token);
        }, cancellationToken);

    private EntityAssignment Read(DbDataReader reader) => new()
    {
        Id = _sql.GetGuid(reader, 0),
        EntityType = reader.GetString(1),
        EntityId = reader.GetString(2),
        CategoryId = reader.GetString(3),
        FactorValues = StoredJson.ReadFactorValues(_sql.GetJson(reader, 4)),
        CreatedAt = _sql.GetTimestamp(reader, 5),
    };
}
