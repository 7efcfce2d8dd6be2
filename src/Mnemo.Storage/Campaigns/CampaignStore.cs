using System.Data.Common;
using Mnemo.Campaigns;
using Mnemo.Json;
using Mnemo.Time;

namespace Mnemo.Storage.Campaigns;

/// <summary>Campaigns on either backend.</summary>
public sealed class CampaignStore(MnemoDatabase database, TimeProvider timeProvider) : ICampaignStore
{
    private const string Columns = "id, name, ttl_days, status, metadata, created_at, updated_at";

    private const string InsertSql = """
        INSERT INTO campaigns (tenant_id, id, name, ttl_days, status, metadata, created_at, updated_at)
        VALUES (@tenant_id, @id, @name, @ttl_days, @status, @metadata, @created_at, @updated_at)
        ON CONFLICT DO NOTHING
        """;

    private const string SelectSql = $"SELECT {Columns} FROM campaigns WHERE tenant_id = @tenant_id AND id = @id";

    private const string PageSql = $"SELECT {Columns} FROM campaigns WHERE tenant_id = @tenant_id AND id > @after_id ORDER BY id LIMIT @limit";

    // The category repository's view: the campaigns assigned to a category.
    private const string CategoryPageSql = $"""
        SELECT {Columns} FROM campaigns
        WHERE tenant_id = @tenant_id AND id > @after_id AND EXISTS (
            SELECT 1 FROM entity_assignments a
            WHERE a.tenant_id = campaigns.tenant_id AND a.entity_type = 'campaign' AND a.entity_id = campaigns.id AND a.category_id = @category_id)
        ORDER BY id LIMIT @limit
        """;

    private readonly SqlDialect _sql = database.Dialect;

    /// <inheritdoc />
    public Task<bool> CreateAsync(string tenantId, Campaign campaign, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            await using var command = session.Command(InsertSql)
                .With("id", campaign.Id)
                .With("name", campaign.Name)
                .With("ttl_days", campaign.TtlDays)
                .With("status", campaign.Status)
                .WithJson("metadata", campaign.Metadata.GetRawText())
                .With("created_at", campaign.CreatedAt)
                .With("updated_at", campaign.UpdatedAt);
            return await command.ExecuteAsync(token) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Campaign?> GetAsync(string tenantId, string campaignId, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(SelectSql).With("id", campaignId);
        return await command.SingleOrDefaultAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Campaign>> ListAsync(string tenantId, string? categoryId, string? afterId, int limit, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(categoryId is null ? PageSql : CategoryPageSql)
            .With("after_id", afterId ?? string.Empty).With("limit", limit).With("category_id", categoryId);
        return await command.ListAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Campaign?> UpdateAsync(
        string tenantId, string campaignId, string? name, int? ttlDays, bool clearTtl, string? status, string? metadataJson, CancellationToken cancellationToken)
    {
        var sql = $"""
            UPDATE campaigns SET
                name = COALESCE(@name, name),
                ttl_days = {(clearTtl ? "NULL" : "COALESCE(@ttl_days, ttl_days)")},
                status = COALESCE(@status, status),
                metadata = COALESCE(@metadata, metadata),
                updated_at = @now
            WHERE tenant_id = @tenant_id AND id = @id
            RETURNING {Columns}
            """;
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            await using var command = session.Command(sql)
                .With("id", campaignId)
                .With("name", name)
                .With("status", status)
                .WithJson("metadata", metadataJson)
                .With("now", timeProvider.GetUtcNowMicroseconds());
            if (!clearTtl)
            {
                command.With("ttl_days", ttlDays);
            }
            return await command.SingleOrDefaultAsync(Read, token);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long?> DeleteAsync(string tenantId, string campaignId, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            // Migrated participants' messages no longer carry the campaign; only the rest go.
            await using var messages = session.Command("DELETE FROM messages WHERE tenant_id = @tenant_id AND campaign_id = @id").With("id", campaignId);
            long deleted = await messages.ExecuteAsync(token);
            await using (var assignments = session.Command(
                "DELETE FROM entity_assignments WHERE tenant_id = @tenant_id AND entity_type = 'campaign' AND entity_id = @id").With("id", campaignId))
            {
                await assignments.ExecuteAsync(token);
            }
            await using var campaign = session.Command("DELETE FROM campaigns WHERE tenant_id = @tenant_id AND id = @id").With("id", campaignId);
            return await campaign.ExecuteAsync(token) == 0 ? (long?)null : deleted;
        }, cancellationToken);

    private Campaign Read(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        Name = reader.GetString(1),
        TtlDays = reader.IsDBNull(2) ? null : reader.GetInt32(2),
        Status = reader.GetString(3),
        Metadata = JsonObjects.Parse(_sql.GetJson(reader, 4)),
        CreatedAt = _sql.GetTimestamp(reader, 5),
        UpdatedAt = _sql.GetTimestamp(reader, 6),
    };
}
