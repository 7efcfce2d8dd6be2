using System.Data.Common;
using Mnemo.Categories;

namespace Mnemo.Storage.Categories;

/// <summary>The factor registry on either backend.</summary>
public sealed class FactorStore(MnemoDatabase database) : IFactorStore
{
    private const string Columns = "id, name, category_id, weight, min, max, description, created_at, updated_at";

    private const string InsertSql = """
        INSERT INTO factors (tenant_id, id, name, category_id, weight, min, max, description, created_at, updated_at)
        VALUES (@tenant_id, @id, @name, @category_id, @weight, @min, @max, @description, @created_at, @updated_at)
        ON CONFLICT DO NOTHING
        """;

    private const string SelectSql = $"SELECT {Columns} FROM factors WHERE tenant_id = @tenant_id AND id = @id";

    private const string UpdateSql = $"""
        UPDATE factors SET name = @name, category_id = @category_id, weight = @weight, min = @min, max = @max,
            description = @description, updated_at = @updated_at
        WHERE tenant_id = @tenant_id AND id = @id
        RETURNING {Columns}
        """;

    private readonly SqlDialect _sql = database.Dialect;

    /// <inheritdoc />
    public Task<RegistryChange<Factor>> CreateAsync(string tenantId, Factor factor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(factor);
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            if (factor.CategoryId is { } categoryId && !await CategoryStore.ExistsAsync(session, categoryId, token))
            {
                return new RegistryChange<Factor>(RegistryOutcome.CategoryMissing);
            }
            await using var command = Bind(session.Command(InsertSql), factor).With("created_at", factor.CreatedAt);
            return await command.ExecuteAsync(token) == 1
                ? new RegistryChange<Factor>(RegistryOutcome.Done, factor)
                : new RegistryChange<Factor>(RegistryOutcome.Exists);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Factor?> GetAsync(string tenantId, string factorId, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(SelectSql).With("id", factorId);
        return await command.SingleOrDefaultAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Factor>> GetManyAsync(string tenantId, IReadOnlyCollection<string> factorIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(factorIds);
        if (factorIds.Count == 0)
        {
            return [];
        }
        // At most a hundred ids (RegistryRules.MaxFactorValues): one parameter each.
        var names = factorIds.Select((_, index) => $"@f{index}").ToList();
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command($"SELECT {Columns} FROM factors WHERE tenant_id = @tenant_id AND id IN ({string.Join(", ", names)})");
        var i = 0;
        foreach (var id in factorIds)
        {
            command.With($"f{i++}", id);
        }
        return await command.ListAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Factor>> ListAsync(string tenantId, string? categoryId, string? afterId, int limit, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT {Columns} FROM factors
            WHERE tenant_id = @tenant_id AND id > @after_id {(categoryId is null ? string.Empty : "AND category_id = @category_id")}
            ORDER BY id LIMIT @limit
            """;
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(sql).With("after_id", afterId ?? string.Empty).With("category_id", categoryId).With("limit", limit);
        return await command.ListAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public Task<RegistryChange<Factor>> ReplaceAsync(string tenantId, Factor factor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(factor);
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            if (factor.CategoryId is { } categoryId && !await CategoryStore.ExistsAsync(session, categoryId, token))
            {
                return new RegistryChange<Factor>(RegistryOutcome.CategoryMissing);
            }
            await using var command = Bind(session.Command(UpdateSql), factor);
            return await command.SingleOrDefaultAsync(Read, token) is { } updated
                ? new RegistryChange<Factor>(RegistryOutcome.Done, updated)
                : new RegistryChange<Factor>(RegistryOutcome.NotFound);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string tenantId, string factorId, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            await using var command = session.Command("DELETE FROM factors WHERE tenant_id = @tenant_id AND id = @id").With("id", factorId);
            return await command.ExecuteAsync(token) == 1;
        }, cancellationToken);

    private static SqlCommand Bind(SqlCommand command, Factor factor) => command
        .With("id", factor.Id)
        .With("name", factor.Name)
        .With("category_id", factor.CategoryId)
        .With("weight", factor.Weight)
        .With("min", factor.Min)
        .With("max", factor.Max)
        .With("description", factor.Description)
        .With("updated_at", factor.UpdatedAt);

    private Factor Read(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        CategoryId = reader.IsDBNull(2) ? null : reader.GetString(2),
        Weight = reader.GetDouble(3),
        Min = reader.GetDouble(4),
        Max = reader.GetDouble(5),
        Description = reader.GetString(6),
        CreatedAt = _sql.GetTimestamp(reader, 7),
        UpdatedAt = _sql.GetTimestamp(reader, 8),
    };
}
