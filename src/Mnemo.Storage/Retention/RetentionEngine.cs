using Mnemo.Events;
using Mnemo.Retention;
using Mnemo.Storage.Events;
using Mnemo.Storage.Tenants;
using Mnemo.Tenants;
using Mnemo.Time;

namespace Mnemo.Storage.Retention;

/// <summary>
/// Retention (seeds 001, 000, 003, 004): per tenant, deletes messages and events past their
/// retention, deletes expired campaign participants with their messages, and ends idle
/// conversations. Work goes in bounded batches, each its own short transaction through a
/// time index, so appends are never blocked for long; one node runs a pass at a time.
/// </summary>
public sealed class RetentionEngine(MnemoDatabase database, TenantSettingsDefaults defaults, TimeProvider timeProvider, int batchSize = 1000)
    : IRetentionEngine
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(5);

    private readonly SqlDialect _sql = database.Dialect;
    private readonly JobLease _lease = new(database, timeProvider, "retention", LeaseDuration);

    /// <summary>The lease passes take; tests hold it to show that a second engine waits.</summary>
    public JobLease Lease => _lease;

    /// <inheritdoc />
    /// <remarks>Each database tenants live in has its own lease: one node at a time sweeps each.</remarks>
    public async Task<RetentionCounts?> RunPassAsync(string holder, CancellationToken cancellationToken)
    {
        RetentionCounts? total = null;
        await database.ForEachDatabaseAsync(async (_, token) =>
        {
            if (await RunDatabasePassAsync(holder, token) is { } counts)
            {
                total = (total ?? new RetentionCounts()).Add(counts);
            }
        }, cancellationToken);
        return total;
    }

    private async Task<RetentionCounts?> RunDatabasePassAsync(string holder, CancellationToken cancellationToken)
    {
        if (!await _lease.TryTakeAsync(holder, cancellationToken))
        {
            return null;
        }
        try
        {
            var total = new RetentionCounts();
            var tenants = new TenantStore(database);
            // The settings are the catalog's: a database's copy of a tenant's row is for its keys.
            var catalogTenants = new TenantStore(database.Catalog);
            string? after = null;
            while (await tenants.ListPlacedHereAsync(after, 100, cancellationToken) is { Count: > 0 } page)
            {
                foreach (var placed in page)
                {
                    if (await catalogTenants.GetAsync(placed.Id, cancellationToken) is not { } tenant)
                    {
                        continue;
                    }
                    try
                    {
                        total = total.Add(await RunTenantAsync(tenant.Id, tenant.Settings.WithDefaults(defaults), holder, cancellationToken));
                    }
                    catch (Mnemo.Placement.TenantMovingException)
                    {
                        // Moving: the next pass finds it in its new database; the others go on.
                    }
                }
                after = page[^1].Id;
            }
            return total;
        }
        finally
        {
            await _lease.ReleaseAsync(holder, CancellationToken.None);
        }
    }

    private async Task<RetentionCounts> RunTenantAsync(string tenantId, TenantSettings settings, string holder, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNowMicroseconds();
        var counts = new RetentionCounts();
        if (settings.MessageRetentionDays is { } messageDays)
        {
            counts = counts with { Messages = await DeleteOlderThanAsync("messages", "seq", tenantId, now.AddDays(-messageDays), holder, cancellationToken) };
        }
        if (settings.EventRetentionDays is { } eventDays)
        {
            counts = counts with { Events = await DeleteOlderThanAsync("events", "id", tenantId, now.AddDays(-eventDays), holder, cancellationToken) };
        }
        var (participants, participantMessages) = await DeleteExpiredParticipantsAsync(tenantId, now, holder, cancellationToken);
        var archived = settings.ConversationIdleMinutes is { } idle
            ? await ArchiveIdleConversationsAsync(tenantId, now.AddMinutes(-idle), holder, cancellationToken)
            : 0;
        return counts with { Participants = participants, ParticipantMessages = participantMessages, ConversationsArchived = archived };
    }

    /// <summary>Deletes rows of <paramref name="table"/> created before <paramref name="cutoff"/>, a batch per transaction.</summary>
    private async Task<long> DeleteOlderThanAsync(string table, string key, string tenantId, DateTimeOffset cutoff, string holder, CancellationToken cancellationToken)
    {
        // Table and key names are Mnemo's own constants; the values are bound.
        var sql = $"""
            DELETE FROM {table} WHERE tenant_id = @tenant_id AND {key} IN (
                SELECT {key} FROM {table} WHERE tenant_id = @tenant_id AND created_at < @cutoff LIMIT @batch)
            """;
        long total = 0;
        while (true)
        {
            var deleted = await database.WriteAsync(tenantId, async (session, token) =>
            {
                await using var command = session.Command(sql).With("cutoff", cutoff).With("batch", batchSize);
                return await command.ExecuteAsync(token);
            }, cancellationToken);
            total += deleted;
            if (deleted < batchSize || !await _lease.TryTakeAsync(holder, cancellationToken))
            {
                return total;
            }
        }
    }

    private async Task<(long Participants, long Messages)> DeleteExpiredParticipantsAsync(
        string tenantId, DateTimeOffset now, string holder, CancellationToken cancellationToken)
    {
        const string expiredSql = """
            SELECT campaign_id, user_id FROM campaign_participants
            WHERE tenant_id = @tenant_id AND migrated_to IS NULL AND expires_at <= @now
            LIMIT @batch
            """;
        long participants = 0, messages = 0;
        while (true)
        {
            var (batchParticipants, batchMessages, full) = await database.WriteAsync(tenantId, async (session, token) =>
            {
                await using var select = session.Command(expiredSql).With("now", now).With("batch", batchSize);
                var expired = await select.ListAsync(reader => (Campaign: reader.GetString(0), User: reader.GetString(1)), token);
                long deletedMessages = 0;
                foreach (var (campaign, user) in expired)
                {
                    await using var deleteMessages = session.Command("DELETE FROM messages WHERE tenant_id = @tenant_id AND campaign_id = @campaign_id AND user_id = @user_id").With("campaign_id", campaign).With("user_id", user);
                    deletedMessages += await deleteMessages.ExecuteAsync(token);
                    await using var deleteParticipant = session.Command("DELETE FROM campaign_participants WHERE tenant_id = @tenant_id AND campaign_id = @campaign_id AND user_id = @user_id").With("campaign_id", campaign).With("user_id", user);
                    await deleteParticipant.ExecuteAsync(token);
                }
                return ((long)expired.Count, deletedMessages, expired.Count == batchSize);
            }, cancellationToken);
            participants += batchParticipants;
            messages += batchMessages;
            if (!full || !await _lease.TryTakeAsync(holder, cancellationToken))
            {
                return (participants, messages);
            }
        }
    }

    /// <summary>Ends conversations idle since before <paramref name="cutoff"/>: ended at their last message, with a <c>conversation_archived</c> event.</summary>
    private async Task<long> ArchiveIdleConversationsAsync(string tenantId, DateTimeOffset cutoff, string holder, CancellationToken cancellationToken)
    {
        const string idleSql = """
            SELECT id, user_id, COALESCE(last_message_at, started_at), message_count FROM conversations
            WHERE tenant_id = @tenant_id AND status = 'active' AND COALESCE(last_message_at, started_at) < @cutoff
            LIMIT @batch
            """;
        const string endSql = """
            UPDATE conversations SET status = 'ended', ended_at = @ended_at
            WHERE tenant_id = @tenant_id AND id = @id AND status = 'active'
            """;
        long total = 0;
        while (true)
        {
            var (archived, full) = await database.WriteAsync(tenantId, async (session, token) =>
            {
                await using var select = session.Command(idleSql).With("cutoff", cutoff).With("batch", batchSize);
                var idle = await select.ListAsync(reader => (Id: _sql.GetGuid(reader, 0), User: reader.GetString(1), Last: _sql.GetTimestamp(reader, 2), Count: reader.GetInt64(3)), token);
                foreach (var conversation in idle)
                {
                    await using var end = session.Command(endSql).With("id", conversation.Id).With("ended_at", conversation.Last);
                    await end.ExecuteAsync(token);
                    await EventRows.InsertAsync(session, conversation.User, EventTypes.ConversationArchived,
                        $$"""{"conversation_id":"{{conversation.Id}}","message_count":{{conversation.Count}}}""", timeProvider.GetUtcNowMicroseconds(), token);
                }
                return ((long)idle.Count, idle.Count == batchSize);
            }, cancellationToken);
            total += archived;
            if (!full || !await _lease.TryTakeAsync(holder, cancellationToken))
            {
                return total;
            }
        }
    }
}
