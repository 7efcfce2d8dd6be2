using System.Data.Common;
using Mnemo.Campaigns;
using Mnemo.Json;

namespace Mnemo.Storage.Campaigns;

/// <summary>Participant rows, shared by the user-context store and the participant append path.</summary>
internal static class ParticipantRows
{
    public const string Columns = "campaign_id, user_id, context, ttl_days, expires_at, migrated_to, migrated_at, created_at, updated_at";

    private const string CampaignTtlSql = "SELECT ttl_days FROM campaigns WHERE tenant_id = @tenant_id AND id = @campaign_id";

    private const string SelectSql = $"""
        SELECT {Columns}, expiry_fixed FROM campaign_participants
        WHERE tenant_id = @tenant_id AND campaign_id = @campaign_id AND user_id = @user_id
        """;

    /// <summary>
    /// Creates the participant or records a write to it: context merged (or replaced) when given,
    /// expiry moved to now + TTL (theirs, else the campaign's, else the tenant's) unless fixed.
    /// Null when the campaign does not exist.
    /// </summary>
    public static async Task<Participant?> TouchAsync(
        StoreSession session, string campaignId, string userId, string? contextJson, bool replace,
        int? ttlDays, int tenantTtlDays, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int? campaignTtl;
        await using (var campaign = session.Command(CampaignTtlSql).With("campaign_id", campaignId))
        {
            var found = await campaign.SingleOrDefaultAsync(reader => (Found: true, Ttl: reader.IsDBNull(0) ? (int?)null : reader.GetInt32(0)), cancellationToken);
            if (!found.Found)
            {
                return null;
            }
            campaignTtl = found.Ttl;
        }
        var current = await ReadAsync(session, campaignId, userId, lockRow: true, cancellationToken);
        var ownTtl = ttlDays ?? current?.Participant.TtlDays;
        var ttl = ownTtl ?? campaignTtl ?? tenantTtlDays;
        var expiresAt = current is { ExpiryFixed: true } ? current.Participant.ExpiresAt : now.AddDays(ttl);
        var context = contextJson is null
            ? current?.Participant.Context.GetRawText() ?? "{}"
            : replace || current is null ? contextJson : JsonObjects.MergeTopLevel(current.Participant.Context.GetRawText(), contextJson);
        const string upsert = $"""
            INSERT INTO campaign_participants (tenant_id, campaign_id, user_id, context, ttl_days, expires_at, expiry_fixed, created_at, updated_at)
            VALUES (@tenant_id, @campaign_id, @user_id, @context, @ttl_days, @expires_at, @expiry_fixed, @now, @now)
            ON CONFLICT (tenant_id, campaign_id, user_id) DO UPDATE SET
                context = excluded.context, ttl_days = excluded.ttl_days, expires_at = excluded.expires_at, updated_at = excluded.updated_at
            RETURNING {Columns}
            """;
        await using var command = session.Command(upsert)
            .With("campaign_id", campaignId)
            .With("user_id", userId)
            .WithJson("context", context)
            .With("ttl_days", ownTtl)
            .With("expires_at", expiresAt)
            .With("expiry_fixed", false)
            .With("now", now);
        return await command.SingleOrDefaultAsync(reader => Read(session.Dialect, reader), cancellationToken);
    }

    public static async Task<StoredParticipant?> ReadAsync(
        StoreSession session, string campaignId, string userId, bool lockRow, CancellationToken cancellationToken)
    {
        await using var command = session.Command(lockRow ? $"{SelectSql} {session.Dialect.ForUpdate}" : SelectSql).With("campaign_id", campaignId).With("user_id", userId);
        return await command.SingleOrDefaultAsync(reader => new StoredParticipant(Read(session.Dialect, reader), ReadBool(reader, 9)), cancellationToken);
    }

    public static Participant Read(SqlDialect sql, DbDataReader reader) => new()
    {
        CampaignId = reader.GetString(0),
        UserId = reader.GetString(1),
        Context = JsonObjects.Parse(sql.GetJson(reader, 2)),
        TtlDays = reader.IsDBNull(3) ? null : reader.GetInt32(3),
        ExpiresAt = sql.GetTimestamp(reader, 4),
        MigratedTo = reader.IsDBNull(5) ? null : reader.GetString(5),
        MigratedAt = sql.GetNullableTimestamp(reader, 6),
        CreatedAt = sql.GetTimestamp(reader, 7),
        UpdatedAt = sql.GetTimestamp(reader, 8),
    };

    // SQLite stores booleans as integers, PostgreSQL as booleans.
    private static bool ReadBool(DbDataReader reader, int ordinal) => Convert.ToBoolean(reader.GetValue(ordinal), System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>A participant row with whether its expiry was fixed explicitly (writes then leave it alone).</summary>
internal sealed record StoredParticipant(Participant Participant, bool ExpiryFixed);
