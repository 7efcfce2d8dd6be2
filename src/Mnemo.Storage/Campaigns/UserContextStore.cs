using System.Data.Common;
using System.Text.Json;
using Mnemo.Campaigns;
using Mnemo.Events;
using Mnemo.Json;
using Mnemo.Storage.Events;
using Mnemo.Storage.Users;
using Mnemo.Time;

namespace Mnemo.Storage.Campaigns;

/// <summary>System and campaign user context, and migration between them, on either backend.</summary>
public sealed class UserContextStore(MnemoDatabase database, TimeProvider timeProvider) : IUserContextStore
{
    private const string SystemColumns = "id, context, metadata, created_at";

    private const string SelectSystemSql = $"SELECT {SystemColumns} FROM users WHERE tenant_id = @tenant_id AND id = @id";

    private readonly SqlDialect _sql = database.Dialect;

    /// <inheritdoc />
    public Task<SystemContext> UpsertSystemAsync(
        string tenantId, string userId, string contextJson, bool replace, string? metadataJson, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            var now = timeProvider.GetUtcNowMicroseconds();
            if (await UserRows.InsertIfMissingAsync(session, UserRows.Bare(userId, now), token))
            {
                await EventRows.InsertAsync(session, userId, EventTypes.UserCreated, "{}", now, token);
            }
            var current = (await ReadSystemAsync(session, userId, lockRow: true, token))!;
            var context = replace ? contextJson : JsonObjects.MergeTopLevel(current.Context.GetRawText(), contextJson);
            var metadata = metadataJson is null ? current.Metadata.GetRawText() : JsonObjects.MergeTopLevel(current.Metadata.GetRawText(), metadataJson);
            return await WriteSystemAsync(session, userId, context, metadata, token);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<SystemContext?> GetSystemAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(SelectSystemSql).With("id", userId);
        return await command.SingleOrDefaultAsync(ReadSystem, cancellationToken);
    }

    /// <inheritdoc />
    public Task<SystemContext?> UpdateSystemMetadataAsync(string tenantId, string userId, string metadataJson, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            if (await ReadSystemAsync(session, userId, lockRow: true, token) is not { } current)
            {
                return null;
            }
            return (SystemContext?)await WriteSystemAsync(session, userId, current.Context.GetRawText(),
                JsonObjects.MergeTopLevel(current.Metadata.GetRawText(), metadataJson), token);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> ClearSystemAsync(string tenantId, string userId, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            await using var command = session.Command("UPDATE users SET context = @context WHERE tenant_id = @tenant_id AND id = @id").With("id", userId).WithJson("context", "{}");
            return await command.ExecuteAsync(token) > 0;
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<SystemContext>> ListSystemAsync(string tenantId, string? afterId, int limit, CancellationToken cancellationToken)
    {
        const string sql = $"SELECT {SystemColumns} FROM users WHERE tenant_id = @tenant_id AND id > @after_id ORDER BY id LIMIT @limit";
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(sql).With("after_id", afterId ?? string.Empty).With("limit", limit);
        return await command.ListAsync(ReadSystem, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Participant?> UpsertParticipantAsync(
        string tenantId, string campaignId, string userId, string? contextJson, bool replace, int? ttlDays, int tenantTtlDays, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, (session, token) => ParticipantRows.TouchAsync(
            session, campaignId, userId, contextJson, replace, ttlDays, tenantTtlDays, timeProvider.GetUtcNowMicroseconds(), token),
            cancellationToken);

    /// <inheritdoc />
    public async Task<Participant?> GetParticipantAsync(string tenantId, string? campaignId, string userId, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        if (campaignId is not null)
        {
            return (await ParticipantRows.ReadAsync(session, campaignId, userId, lockRow: false, cancellationToken))?.Participant;
        }
        const string latest = $"""
            SELECT {ParticipantRows.Columns} FROM campaign_participants
            WHERE tenant_id = @tenant_id AND user_id = @user_id AND migrated_to IS NULL AND expires_at > @now
            ORDER BY updated_at DESC
            LIMIT 1
            """;
        await using var command = session.Command(latest).With("user_id", userId).With("now", timeProvider.GetUtcNowMicroseconds());
        return await command.SingleOrDefaultAsync(reader => ParticipantRows.Read(_sql, reader), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Participant>> ListParticipationsAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        const string sql = $"SELECT {ParticipantRows.Columns} FROM campaign_participants WHERE tenant_id = @tenant_id AND user_id = @user_id ORDER BY campaign_id";
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(sql).With("user_id", userId);
        return await command.ListAsync(reader => ParticipantRows.Read(_sql, reader), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Participant>?> ListParticipantsAsync(string tenantId, string campaignId, string? afterUserId, int limit, CancellationToken cancellationToken)
    {
        const string sql = $"""
            SELECT {ParticipantRows.Columns} FROM campaign_participants
            WHERE tenant_id = @tenant_id AND campaign_id = @campaign_id AND user_id > @after_id
            ORDER BY user_id
            LIMIT @limit
            """;
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var exists = session.Command("SELECT 1 FROM campaigns WHERE tenant_id = @tenant_id AND id = @campaign_id").With("campaign_id", campaignId);
        if (await exists.ScalarAsync(cancellationToken) is null)
        {
            return null;
        }
        await using var command = session.Command(sql).With("campaign_id", campaignId).With("after_id", afterUserId ?? string.Empty).With("limit", limit);
        return await command.ListAsync(reader => ParticipantRows.Read(_sql, reader), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Participant?> SetExpiryAsync(string tenantId, string campaignId, string userId, int? ttlDays, DateTimeOffset? expiresAt, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            var now = timeProvider.GetUtcNowMicroseconds();
            var newExpiry = expiresAt is { } fixedAt ? TimeProviderExtensions.TruncateToMicroseconds(fixedAt) : now.AddDays(ttlDays ?? 0);
            var sql = $"""
                UPDATE campaign_participants SET
                    expires_at = @expires_at, expiry_fixed = @fixed, updated_at = @now
                    {(ttlDays is null ? "" : ", ttl_days = @ttl_days")}
                WHERE tenant_id = @tenant_id AND campaign_id = @campaign_id AND user_id = @user_id
                RETURNING {ParticipantRows.Columns}
                """;
            await using var command = session.Command(sql).With("campaign_id", campaignId).With("user_id", userId)
                .With("expires_at", newExpiry).With("fixed", expiresAt is not null).With("now", now);
            if (ttlDays is not null)
            {
                command.With("ttl_days", ttlDays);
            }
            return await command.SingleOrDefaultAsync(reader => ParticipantRows.Read(_sql, reader), token);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<long?> DeleteParticipantAsync(string tenantId, string campaignId, string userId, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            await using var participant = session.Command("DELETE FROM campaign_participants WHERE tenant_id = @tenant_id AND campaign_id = @campaign_id AND user_id = @user_id").With("campaign_id", campaignId).With("user_id", userId);
            if (await participant.ExecuteAsync(token) == 0)
            {
                return (long?)null;
            }
            await using var messages = session.Command("DELETE FROM messages WHERE tenant_id = @tenant_id AND campaign_id = @campaign_id AND user_id = @user_id").With("campaign_id", campaignId).With("user_id", userId);
            return await messages.ExecuteAsync(token);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<MigrationResult?> MigrateAsync(string tenantId, string campaignId, string userId, CancellationToken cancellationToken) =>
        // One transaction, with the participant row locked: concurrent calls for one participant
        // wait here, and all but the first find it migrated and answer the stored result.
        database.WriteAsync(tenantId, async (session, token) =>
        {
            if (await ParticipantRows.ReadAsync(session, campaignId, userId, lockRow: true, token) is not { } stored)
            {
                return null;
            }
            if (stored.Participant.MigratedTo is not null)
            {
                return await ReadMigrationAsync(session, campaignId, userId, token);
            }
            var now = timeProvider.GetUtcNowMicroseconds();
            var userCreated = await UserRows.InsertIfMissingAsync(session, UserRows.Bare(userId, now), token);
            if (userCreated)
            {
                await EventRows.InsertAsync(session, userId, EventTypes.UserCreated, "{}", now, token);
            }
            var system = (await ReadSystemAsync(session, userId, lockRow: true, token))!;
            var merged = JsonObjects.MergeTopLevel(system.Context.GetRawText(), stored.Participant.Context.GetRawText());
            await WriteSystemAsync(session, userId, merged, system.Metadata.GetRawText(), token);

            long moved;
            await using (var messages = session.Command("UPDATE messages SET campaign_id = NULL WHERE tenant_id = @tenant_id AND campaign_id = @campaign_id AND user_id = @user_id").With("campaign_id", campaignId).With("user_id", userId))
            {
                moved = await messages.ExecuteAsync(token);
            }
            var result = new MigrationResult
            {
                UserId = userId, CampaignId = campaignId, MigratedAt = now, MessagesMoved = moved, UserCreated = userCreated, Context = JsonObjects.Parse(merged),
            };
            var resultJson = JsonSerializer.Serialize(result, MnemoJsonContext.Default.MigrationResult);
            await using (var mark = session.Command("""
                UPDATE campaign_participants SET migrated_to = @user_id, migrated_at = @now, migration = @migration, updated_at = @now
                WHERE tenant_id = @tenant_id AND campaign_id = @campaign_id AND user_id = @user_id
                """).With("campaign_id", campaignId).With("user_id", userId).With("now", now).WithJson("migration", resultJson))
            {
                await mark.ExecuteAsync(token);
            }
            await EventRows.InsertAsync(session, userId, EventTypes.UserMigrated,
                $$"""{"campaign_id":{{JsonSerializer.Serialize(campaignId, MnemoJsonContext.Default.String)}},"messages_moved":{{moved}}}""", now, token);
            return result;
        }, cancellationToken);

    private async Task<MigrationResult?> ReadMigrationAsync(StoreSession session, string campaignId, string userId, CancellationToken cancellationToken)
    {
        await using var command = session.Command("SELECT migration FROM campaign_participants WHERE tenant_id = @tenant_id AND campaign_id = @campaign_id AND user_id = @user_id").With("campaign_id", campaignId).With("user_id", userId);
        var json = await command.SingleOrDefaultAsync(reader => _sql.GetJson(reader, 0), cancellationToken);
        return json is null ? null : JsonSerializer.Deserialize(json, MnemoJsonContext.Default.MigrationResult);
    }

    private async Task<SystemContext?> ReadSystemAsync(StoreSession session, string userId, bool lockRow, CancellationToken cancellationToken)
    {
        await using var command = session.Command(lockRow ? $"{SelectSystemSql} {_sql.ForUpdate}" : SelectSystemSql).With("id", userId);
        return await command.SingleOrDefaultAsync(ReadSystem, cancellationToken);
    }

    private async Task<SystemContext> WriteSystemAsync(
        StoreSession session, string userId, string contextJson, string metadataJson, CancellationToken cancellationToken)
    {
        await using var command = session.Command($"""
            UPDATE users SET context = @context, metadata = @metadata WHERE tenant_id = @tenant_id AND id = @id
            RETURNING {SystemColumns}
            """).With("id", userId).WithJson("context", contextJson).WithJson("metadata", metadataJson);
        return (await command.SingleOrDefaultAsync(ReadSystem, cancellationToken))!;
    }

    private SystemContext ReadSystem(DbDataReader reader) => new()
    {
        UserId = reader.GetString(0),
        Context = JsonObjects.Parse(_sql.GetJson(reader, 1)),
        Metadata = JsonObjects.Parse(_sql.GetJson(reader, 2)),
        CreatedAt = _sql.GetTimestamp(reader, 3),
    };
}
