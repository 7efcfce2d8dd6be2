using System.Data.Common;
using Mnemo.Categories;
using Mnemo.Json;

namespace Mnemo.Storage.Categories;

/// <summary>The category tree on either backend.</summary>
public sealed class CategoryStore(MnemoDatabase database) : ICategoryStore
{
    private const string Columns = "id, name, type, parent_id, description, metadata, created_at, updated_at";

    private const string InsertSql = """
        INSERT INTO categories (tenant_id, id, name, type, parent_id, description, metadata, created_at, updated_at)
        VALUES (@tenant_id, @id, @name, @type, @parent_id, @description, @metadata, @created_at, @updated_at)
        ON CONFLICT DO NOTHING
        """;

    private const string SelectSql = $"SELECT {Columns} FROM categories WHERE tenant_id = @tenant_id AND id = @id";

    private const string ExistsSql = "SELECT 1 FROM categories WHERE tenant_id = @tenant_id AND id = @id";

    private const string UpdateSql = $"""
        UPDATE categories SET name = @name, type = @type, parent_id = @parent_id, description = @description,
            metadata = @metadata, updated_at = @updated_at
        WHERE tenant_id = @tenant_id AND id = @id
        RETURNING {Columns}
        """;

    // The new parent and its ancestors: the category must not be among them. UNION (not ALL)
    // stops at a row seen before, so even a damaged tree cannot loop.
    private const string AncestorSql = """
        WITH RECURSIVE ancestors (id, parent_id) AS (
            SELECT id, parent_id FROM categories WHERE tenant_id = @tenant_id AND id = @parent_id
            UNION
            SELECT c.id, c.parent_id FROM categories c JOIN ancestors a ON c.tenant_id = @tenant_id AND c.id = a.parent_id
        )
        SELECT 1 FROM ancestors WHERE id = @id LIMIT 1
        """;

    private const string SubtreeSql = """
        WITH RECURSIVE subtree (id) AS (
            SELECT id FROM categories WHERE tenant_id = @tenant_id AND id = @id
            UNION
            SELECT c.id FROM categories c JOIN subtree s ON c.tenant_id = @tenant_id AND c.parent_id = s.id
        )
        SELECT id FROM subtree
        """;

    private const string InUseSql = """
        SELECT 1 FROM categories WHERE tenant_id = @tenant_id AND parent_id = @id
        UNION ALL
        SELECT 1 FROM entity_assignments WHERE tenant_id = @tenant_id AND category_id = @id
        LIMIT 1
        """;

    // What deleting one category does: its assignments go, its factors stay without it.
    private static readonly string[] DeleteOneSql =
    [
        "DELETE FROM entity_assignments WHERE tenant_id = @tenant_id AND category_id = @id",
        "UPDATE factors SET category_id = NULL WHERE tenant_id = @tenant_id AND category_id = @id",
        "DELETE FROM categories WHERE tenant_id = @tenant_id AND id = @id",
    ];

    private readonly SqlDialect _sql = database.Dialect;

    /// <inheritdoc />
    public Task<RegistryChange<Category>> CreateAsync(string tenantId, Category category, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(category);
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            if (category.ParentId is { } parentId && !await ExistsAsync(session, parentId, token))
            {
                return new RegistryChange<Category>(RegistryOutcome.CategoryMissing);
            }
            await using var command = Bind(session.Command(InsertSql), category).With("created_at", category.CreatedAt);
            return await command.ExecuteAsync(token) == 1
                ? new RegistryChange<Category>(RegistryOutcome.Done, category)
                : new RegistryChange<Category>(RegistryOutcome.Exists);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Category?> GetAsync(string tenantId, string categoryId, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(SelectSql).With("id", categoryId);
        return await command.SingleOrDefaultAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Category>> ListAsync(string tenantId, CategoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = $"""
            SELECT {Columns} FROM categories
            WHERE tenant_id = @tenant_id AND id > @after_id
                {(query.Type is null ? string.Empty : "AND type = @type")}
                {(query.ParentId is null ? string.Empty : "AND parent_id = @parent_id")}
            ORDER BY id LIMIT @limit
            """;
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(sql)
            .With("after_id", query.AfterId ?? string.Empty)
            .With("type", query.Type)
            .With("parent_id", query.ParentId)
            .With("limit", query.Limit);
        return await command.ListAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public Task<RegistryChange<Category>> ReplaceAsync(string tenantId, Category category, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(category);
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            // One tree change at a time per tenant: two moves checked at once could close a loop.
            await session.LockAsync($"categories/{tenantId}", token);
            if (!await ExistsAsync(session, category.Id, token))
            {
                return new RegistryChange<Category>(RegistryOutcome.NotFound);
            }
            if (category.ParentId is { } parentId)
            {
                if (!await ExistsAsync(session, parentId, token))
                {
                    return new RegistryChange<Category>(RegistryOutcome.CategoryMissing);
                }
                await using var ancestors = session.Command(AncestorSql).With("parent_id", parentId).With("id", category.Id);
                if (await ancestors.ScalarAsync(token) is not null)
                {
                    return new RegistryChange<Category>(RegistryOutcome.Cycle);
                }
            }
            await using var command = Bind(session.Command(UpdateSql), category);
            return new RegistryChange<Category>(RegistryOutcome.Done, await command.SingleOrDefaultAsync(Read, token));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<RegistryOutcome> DeleteAsync(string tenantId, string categoryId, bool cascade, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            await session.LockAsync($"categories/{tenantId}", token);
            if (!await ExistsAsync(session, categoryId, token))
            {
                return RegistryOutcome.NotFound;
            }
            List<string> doomed;
            await using (var subtree = session.Command(SubtreeSql).With("id", categoryId))
            {
                doomed = await subtree.ListAsync(reader => reader.GetString(0), token);
            }
            if (!cascade)
            {
                await using var inUse = session.Command(InUseSql).With("id", categoryId);
                if (await inUse.ScalarAsync(token) is not null)
                {
                    return RegistryOutcome.InUse;
                }
            }
            // Leaves first, so no remaining row names a deleted parent.
            foreach (var id in Enumerable.Reverse(doomed))
            {
                foreach (var sql in DeleteOneSql)
                {
                    await using var command = session.Command(sql).With("id", id);
                    await command.ExecuteAsync(token);
                }
            }
            return RegistryOutcome.Done;
        }, cancellationToken);

    /// <summary>Whether the session's tenant has the category.</summary>
    internal static async Task<bool> ExistsAsync(StoreSession session, string categoryId, CancellationToken cancellationToken)
    {
        await using var command = session.Command(ExistsSql).With("id", categoryId);
        return await command.ScalarAsync(cancellationToken) is not null;
    }

    private static SqlCommand Bind(SqlCommand command, Category category) => command
        .With("id", category.Id)
        .With("name", category.Name)
        .With("type", category.Type)
        .With("parent_id", category.ParentId)
        .With("description", category.Description)
        .WithJson("metadata", category.Metadata.GetRawText())
        .With("updated_at", category.UpdatedAt);

    private Category Read(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        Type = reader.GetString(2),
        ParentId = reader.IsDBNull(3) ? null : reader.GetString(3),
        Description = reader.GetString(4),
        Metadata = JsonObjects.Parse(_sql.GetJson(reader, 5)),
        CreatedAt = _sql.GetTimestamp(reader, 6),
        UpdatedAt = _sql.GetTimestamp(reader, 7),
    };
}
