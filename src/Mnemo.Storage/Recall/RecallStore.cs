using System.Runtime.InteropServices;
using Mnemo.Messages;
using Mnemo.Recall;
using Mnemo.Storage.Messages;

namespace Mnemo.Storage.Recall;

/// <summary>The embedding backlog and the message vectors on either backend.</summary>
public sealed class RecallStore(MnemoDatabase database, TimeProvider timeProvider) : IRecallStore
{
    private readonly SqlDialect _sql = database.Dialect;

    /// <inheritdoc />
    /// <remarks>
    /// One short transaction marks the rows claimed (<c>SKIP LOCKED</c> on PostgreSQL, so indexers
    /// on several nodes take different rows), then the contents are read outside it: the
    /// embedding, which is slow, never runs inside a transaction (under SQLite's single writer it
    /// would hold up every append).
    /// </remarks>
    public async Task<IReadOnlyList<PendingEmbedding>> ClaimAsync(int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        var claimSql = $"""
            UPDATE embedding_backlog SET claimed_until = @until, attempts = attempts + 1
            WHERE seq IN (
                SELECT seq FROM embedding_backlog
                WHERE claimed_until IS NULL OR claimed_until < @now
                ORDER BY seq
                LIMIT @max {_sql.SkipLocked})
            RETURNING tenant_id, message_id
            """;
        var claimed = await database.WriteAsync(async (session, token) =>
        {
            var now = timeProvider.GetUtcNow();
            await using var claim = session.Command(claimSql).With("until", now + lease).With("now", now).With("max", max);
            return await claim.ListAsync(reader => (TenantId: reader.GetString(0), MessageId: _sql.GetGuid(reader, 1)), token);
        }, cancellationToken);
        if (claimed.Count == 0)
        {
            return [];
        }
        var pending = new List<PendingEmbedding>(claimed.Count);
        foreach (var tenant in claimed.GroupBy(row => row.TenantId, StringComparer.Ordinal))
        {
            foreach (var message in await MessagesAsync(tenant.Key, [.. tenant.Select(row => row.MessageId)], cancellationToken))
            {
                pending.Add(new PendingEmbedding(tenant.Key, message.Id, message.Content, message.EditedAt));
            }
        }
        return pending;
    }

    /// <inheritdoc />
    public Task<int> SaveAsync(IReadOnlyList<MessageVector> vectors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        // Both statements check that the message is still the version embedded: an edit since then
        // dropped the old vector and put the message back on the backlog, where it stays.
        const string same = "(m.edited_at = @edited_at OR (m.edited_at IS NULL AND @edited_at IS NULL))";
        const string saveSql = $"""
            INSERT INTO message_vectors (tenant_id, message_id, user_id, model, vector)
            SELECT m.tenant_id, m.id, m.user_id, @model, @vector FROM messages m
            WHERE m.tenant_id = @tenant_id AND m.id = @id AND {same}
            ON CONFLICT (tenant_id, message_id) DO UPDATE SET model = excluded.model, vector = excluded.vector
            """;
        const string doneSql = $"""
            DELETE FROM embedding_backlog
            WHERE tenant_id = @tenant_id AND message_id = @id
              AND EXISTS (SELECT 1 FROM messages m WHERE m.tenant_id = @tenant_id AND m.id = @id AND {same})
            """;
        return database.WriteAsync(async (session, token) =>
        {
            var saved = 0;
            foreach (var vector in vectors)
            {
                var bound = session.ForTenant(vector.TenantId);
                await using (var save = bound.Command(saveSql)
                    .With("id", vector.MessageId).With("edited_at", vector.EditedAt).With("model", vector.Model).With("vector", ToBytes(vector.Vector)))
                {
                    saved += await save.ExecuteAsync(token);
                }
                await using var done = bound.Command(doneSql).With("id", vector.MessageId).With("edited_at", vector.EditedAt);
                await done.ExecuteAsync(token);
            }
            return saved;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<StoredVector>> VectorsAsync(
        string tenantId, string? userId, string model, RecallFilter filter, int max, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var filtered = RecallFilters.Sql(filter, "m");
        var join = filtered.Length == 0 ? "" : "JOIN messages m ON m.tenant_id = v.tenant_id AND m.id = v.message_id";
        var sql = $"""
            SELECT v.message_id, v.vector FROM message_vectors v {join}
            WHERE v.tenant_id = @tenant_id {(userId is null ? "" : "AND v.user_id = @user_id")} AND v.model = @model {filtered}
            ORDER BY v.message_id DESC
            LIMIT @max
            """;
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(sql).With("model", model).With("max", max);
        if (userId is not null)
        {
            command.With("user_id", userId);
        }
        RecallFilters.Bind(filter, command);
        return await command.ListAsync(reader => new StoredVector(_sql.GetGuid(reader, 0), FromBytes(reader.GetFieldValue<byte[]>(1))), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Message>> MessagesAsync(string tenantId, IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return [];
        }
        var names = ids.Select((_, i) => $"@id{i}").ToList();
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command($"SELECT {MessageRows.Columns} FROM messages m WHERE m.tenant_id = @tenant_id AND m.id IN ({string.Join(", ", names)})");
        var index = 0;
        foreach (var id in ids)
        {
            command.With($"id{index++}", id);
        }
        return await command.ListAsync(reader => MessageRows.Read(_sql, reader), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(cancellationToken);
        await using var command = session.Command("SELECT COUNT(*) FROM embedding_backlog");
        return Convert.ToInt64(await command.ScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public async Task<RecallCounts> CountAsync(string tenantId, string model, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT (SELECT COUNT(*) FROM embedding_backlog WHERE tenant_id = @tenant_id),
                   (SELECT COUNT(*) FROM message_vectors WHERE tenant_id = @tenant_id AND model = @model)
            """;
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(sql).With("model", model);
        return (await command.SingleOrDefaultAsync(reader => new RecallCounts(reader.GetInt64(0), reader.GetInt64(1)), cancellationToken))!;
    }

    /// <inheritdoc />
    public Task<long> EnqueueMissingAsync(string? tenantId, string model, CancellationToken cancellationToken)
    {
        var sql = $"""
            INSERT INTO embedding_backlog (tenant_id, message_id)
            SELECT m.tenant_id, m.id FROM messages m
            WHERE {(tenantId is null ? "1 = 1" : "m.tenant_id = @tenant_id")}
              AND NOT EXISTS (SELECT 1 FROM message_vectors v WHERE v.tenant_id = m.tenant_id AND v.message_id = m.id AND v.model = @model)
            ORDER BY m.seq
            ON CONFLICT (tenant_id, message_id) DO NOTHING
            """;
        return database.WriteAsync(async (session, token) =>
        {
            var bound = tenantId is null ? session : session.ForTenant(tenantId);
            await using var command = bound.Command(sql).With("model", model);
            return (long)await command.ExecuteAsync(token);
        }, cancellationToken);
    }

    private static byte[] ToBytes(float[] vector) => MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();

    private static float[] FromBytes(byte[] bytes) => MemoryMarshal.Cast<byte, float>(bytes).ToArray();
}
