using Mnemo.Memory;
using Mnemo.Storage.Users;
using Mnemo.Time;

namespace Mnemo.Storage.Memory;

/// <summary>Memory profiles and compression on either backend.</summary>
public sealed class ProfileStore(MnemoDatabase database, TimeProvider timeProvider) : IProfileStore
{
    private const string SelectSql = $"SELECT {ProfileRows.Columns} FROM profiles WHERE tenant_id = @tenant_id AND user_id = @user_id";

    private const string PatchSql = $"""
        UPDATE profiles SET
            language = COALESCE(@language, language),
            persona = COALESCE(@persona, persona),
            tone = COALESCE(@tone, tone),
            preferred_topics = COALESCE(@preferred_topics, preferred_topics),
            version = version + 1,
            updated_at = @now
        WHERE tenant_id = @tenant_id AND user_id = @user_id
        RETURNING {ProfileRows.Columns}
        """;

    private const string StoreSummarySql = $"""
        INSERT INTO profiles (tenant_id, user_id, language, persona, tone, preferred_topics, memory_summary, summary_updated_at, version, created_at, updated_at)
        VALUES (@tenant_id, @user_id, @language, @persona, @tone, @preferred_topics, @summary, @now, 1, @now, @now)
        ON CONFLICT (tenant_id, user_id) DO UPDATE SET
            memory_summary = excluded.memory_summary,
            summary_updated_at = excluded.summary_updated_at,
            version = profiles.version + 1,
            updated_at = excluded.updated_at
        """;

    // Keeps the newest @keep messages of the user; among older ones deletes those up to
    // @up_to_seq (every one when no bound is given).
    private const string DeleteAllButNewestSql = """
        DELETE FROM messages
        WHERE tenant_id = @tenant_id AND user_id = @user_id AND seq <= @up_to_seq
          AND seq NOT IN (
              SELECT seq FROM messages
              WHERE tenant_id = @tenant_id AND user_id = @user_id
              ORDER BY created_at DESC, seq DESC
              LIMIT @keep)
        """;

    private const string RecountConversationsSql = """
        UPDATE conversations SET message_count = (
            SELECT COUNT(*) FROM messages m WHERE m.tenant_id = conversations.tenant_id AND m.conversation_id = conversations.id)
        WHERE tenant_id = @tenant_id AND user_id = @user_id
        """;

    private const string CountMessagesSql = "SELECT COUNT(*) FROM messages WHERE tenant_id = @tenant_id AND user_id = @user_id";

    private readonly SqlDialect _sql = database.Dialect;

    /// <inheritdoc />
    public async Task<MemoryProfile?> GetStoredAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var select = session.Command(SelectSql).With("user_id", userId);
        return await select.SingleOrDefaultAsync(reader => ProfileRows.Read(_sql, reader), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<MemoryProfile?> GetOrCreateAsync(string tenantId, string userId, ProfileDefaults defaults, CancellationToken cancellationToken)
    {
        if (await GetStoredAsync(tenantId, userId, cancellationToken) is { } existing)
        {
            return existing;
        }
        return await database.WriteAsync(tenantId, async (session, token) =>
        {
            if (!await UserRows.ExistsAsync(session, userId, token))
            {
                return null;
            }
            return await EnsureAsync(session, userId, defaults, lockRow: false, token);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ProfileWrite> UpdateAsync(
        string tenantId, string userId, ProfilePatch patch, long? expectedVersion, ProfileDefaults defaults, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            if (!await UserRows.ExistsAsync(session, userId, token))
            {
                return new ProfileWrite(null, UserMissing: true, VersionMismatch: false);
            }
            var current = await EnsureAsync(session, userId, defaults, lockRow: true, token);
            if (expectedVersion is { } expected && expected != current.Version)
            {
                return new ProfileWrite(current, UserMissing: false, VersionMismatch: true);
            }
            await using var command = session.Command(PatchSql)
                .With("user_id", userId)
                .With("language", patch.Language)
                .With("persona", patch.Persona)
                .With("tone", patch.Tone)
                .WithJson("preferred_topics", patch.PreferredTopics is null ? null : StoredJson.Tags(patch.PreferredTopics))
                .With("now", timeProvider.GetUtcNowMicroseconds());
            var updated = await command.SingleOrDefaultAsync(reader => ProfileRows.Read(_sql, reader), token);
            return new ProfileWrite(updated, UserMissing: false, VersionMismatch: false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<MemoryProfile?> ResetAsync(string tenantId, string userId, ProfileDefaults defaults, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            if (!await UserRows.ExistsAsync(session, userId, token))
            {
                return null;
            }
            await using var command = session.Command(ProfileRows.UpsertFreshSql)
                .With("user_id", userId)
                .WithDefaults(defaults)
                .With("memory_summary", null)
                .With("summary_updated_at", null)
                .With("now", timeProvider.GetUtcNowMicroseconds());
            return await command.SingleOrDefaultAsync(reader => ProfileRows.Read(_sql, reader), token);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<CompressionResult?> CompressAsync(
        string tenantId, string userId, string summary, int keepLastN, long? upToSeq, ProfileDefaults defaults, CancellationToken cancellationToken) =>
        // Seed 003 stored the summary and deleted the events in two steps, so a crash between
        // them lost history. Here both happen in one transaction or not at all.
        database.WriteAsync(
            tenantId,
            (session, token) => CompressInTransactionAsync(session, userId, summary, keepLastN, upToSeq, defaults, token),
            cancellationToken);

    /// <summary>The compression, inside a transaction the caller owns (a task's completion commits with it).</summary>
    internal async Task<CompressionResult?> CompressInTransactionAsync(
        StoreSession session, string userId, string summary, int keepLastN, long? upToSeq, ProfileDefaults defaults,
        CancellationToken cancellationToken)
    {
        if (!await UserRows.ExistsAsync(session, userId, cancellationToken))
        {
            return null;
        }
        await using (var store = session.Command(StoreSummarySql)
            .With("user_id", userId)
            .WithDefaults(defaults)
            .With("summary", summary)
            .With("now", timeProvider.GetUtcNowMicroseconds()))
        {
            await store.ExecuteAsync(cancellationToken);
        }
        long deleted;
        await using (var delete = session.Command(DeleteAllButNewestSql)
            .With("user_id", userId)
            .With("up_to_seq", upToSeq ?? long.MaxValue)
            .With("keep", keepLastN))
        {
            deleted = await delete.ExecuteAsync(cancellationToken);
        }
        await using (var recount = session.Command(RecountConversationsSql).With("user_id", userId))
        {
            await recount.ExecuteAsync(cancellationToken);
        }
        await using var count = session.Command(CountMessagesSql).With("user_id", userId);
        var kept = Convert.ToInt64(await count.ScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return new CompressionResult(deleted, kept);
    }

    private async Task<MemoryProfile> EnsureAsync(
        StoreSession session, string userId, ProfileDefaults defaults, bool lockRow, CancellationToken cancellationToken)
    {
        await using (var insert = session.Command(ProfileRows.InsertIfMissingSql)
            .With("user_id", userId)
            .WithDefaults(defaults)
            .With("now", timeProvider.GetUtcNowMicroseconds()))
        {
            await insert.ExecuteAsync(cancellationToken);
        }
        await using var select = session.Command(lockRow ? $"{SelectSql} {_sql.ForUpdate}" : SelectSql).With("user_id", userId);
        return (await select.SingleOrDefaultAsync(reader => ProfileRows.Read(_sql, reader), cancellationToken))!;
    }
}
