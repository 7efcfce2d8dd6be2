using System.Buffers;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Mnemo.Messages;
using Mnemo.Recall;
using Mnemo.Storage.Messages;

namespace Mnemo.Storage.Recall;

/// <summary>
/// The embedding backlog and the message vectors on either backend. A reindex queues
/// <paramref name="reindexWindow"/> messages per transaction.
/// </summary>
public sealed class RecallStore(MnemoDatabase database, TimeProvider timeProvider, int reindexWindow = 10_000) : IRecallStore
{
    private readonly SqlDialect _sql = database.Dialect;

    // 256 MB of vectors: about 170,000 messages' worth at 384 dimensions.
    private readonly VectorCache _cache = new(maxBytes: 256L * 1024 * 1024);

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
                WHERE (claimed_until IS NULL OR claimed_until < @now)
                  AND tenant_id IN (SELECT id FROM tenants WHERE placed_here)
                ORDER BY seq
                LIMIT @max {_sql.SkipLocked})
            RETURNING tenant_id, message_id, attempts
            """;
        // Each database tenants live in has its own backlog.
        var claimed = new List<(string TenantId, Guid MessageId, int Attempts)>();
        await database.ForEachDatabaseAsync(async (_, cancel) =>
        {
            if (claimed.Count >= max)
            {
                return;
            }
            claimed.AddRange(await database.WriteAsync(async (session, token) =>
            {
                var now = timeProvider.GetUtcNow();
                await using var claim = session.Command(claimSql).With("until", now + lease).With("now", now).With("max", max - claimed.Count);
                return await claim.ListAsync(reader => (TenantId: reader.GetString(0), MessageId: _sql.GetGuid(reader, 1), Attempts: reader.GetInt32(2)), token);
            }, cancel));
        }, cancellationToken);
        if (claimed.Count == 0)
        {
            return [];
        }
        var pending = new List<PendingEmbedding>(claimed.Count);
        foreach (var tenant in claimed.GroupBy(row => row.TenantId, StringComparer.Ordinal))
        {
            var attempts = tenant.ToDictionary(row => row.MessageId, row => row.Attempts);
            foreach (var message in await MessagesAsync(tenant.Key, attempts.Keys, cancellationToken))
            {
                pending.Add(new PendingEmbedding(tenant.Key, message.Id, message.Content, message.EditedAt, attempts[message.Id]));
            }
        }
        return pending;
    }

    /// <inheritdoc />
    public async Task<int> SaveAsync(IReadOnlyList<MessageVector> vectors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(vectors);
        // Both statements check that the message is still the version embedded: an edit since then
        // dropped the old vector and put the message back on the backlog, where it stays.
        const string same = "(m.edited_at = @edited_at OR (m.edited_at IS NULL AND @edited_at IS NULL))";
        // The message row is locked while its vector is saved (PostgreSQL; SQLite has one writer):
        // an edit in flight is waited for, and the version check then sees the edited row.
        var saveSql = $"""
            INSERT INTO message_vectors (tenant_id, message_id, user_id, model, vector)
            SELECT m.tenant_id, m.id, m.user_id, @model, @vector FROM messages m
            WHERE m.tenant_id = @tenant_id AND m.id = @id AND {same}
            {_sql.ForUpdate}
            ON CONFLICT (tenant_id, message_id) DO UPDATE SET model = excluded.model, vector = excluded.vector
            """;
        const string doneSql = $"""
            DELETE FROM embedding_backlog
            WHERE tenant_id = @tenant_id AND message_id = @id
              AND EXISTS (SELECT 1 FROM messages m WHERE m.tenant_id = @tenant_id AND m.id = @id AND {same})
            """;
        // One transaction per database the tenants live in. A tenant moving meanwhile keeps its
        // backlog rows (they move with it): its messages are embedded again after the move.
        var saved = 0;
        await database.WriteForTenantsAsync([.. vectors.Select(vector => vector.TenantId).Distinct(StringComparer.Ordinal)], async (session, admitted, token) =>
        {
            foreach (var vector in vectors.Where(vector => admitted.Contains(vector.TenantId)))
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
        }, cancellationToken);
        return saved;
    }

    /// <inheritdoc />
    /// <remarks>
    /// A user's unfiltered vectors come from <see cref="VectorCache"/> while their version has not
    /// moved (one small query instead of reading them all). Otherwise the rows are read as a stream
    /// into one reused buffer and ranked as they arrive, keeping only the best <paramref name="count"/>
    /// (and, for the cache, the vectors end to end when they fit its bound).
    /// </remarks>
    public async Task<IReadOnlyList<NearMessage>> NearestAsync(
        string tenantId, string? userId, string model, RecallFilter filter, float[] question, int count, int scanLimit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(question);
        var best = new PriorityQueue<Guid, float>(Math.Min(count, 1024) + 1);
        void Rank(Guid id, float cosine)
        {
            best.Enqueue(id, cosine);
            if (best.Count > count)
            {
                best.Dequeue();
            }
        }
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        var cacheable = userId is not null && filter == RecallFilter.None;
        var key = (tenantId, userId ?? string.Empty, model);
        long version = 0;
        if (cacheable)
        {
            await using var read = session.Command("SELECT version FROM vector_versions WHERE tenant_id = @tenant_id AND user_id = @user_id").With("user_id", userId);
            version = Convert.ToInt64(await read.ScalarAsync(cancellationToken) ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
            if (_cache.TryGet(key, version, out var cached))
            {
                cached.Rank(question, Rank);
                return Best(best);
            }
        }
        var filtered = RecallFilters.Sql(filter, "m");
        var join = filtered.Length == 0 ? "" : "JOIN messages m ON m.tenant_id = v.tenant_id AND m.id = v.message_id";
        var sql = $"""
            SELECT v.message_id, v.vector FROM message_vectors v {join}
            WHERE v.tenant_id = @tenant_id {(userId is null ? "" : "AND v.user_id = @user_id")} AND v.model = @model {filtered}
            ORDER BY v.message_id DESC
            LIMIT @max
            """;
        await using var command = session.Command(sql).With("model", model).With("max", scanLimit);
        if (userId is not null)
        {
            command.With("user_id", userId);
        }
        RecallFilters.Bind(filter, command);
        var size = question.Length * sizeof(float);
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        var keep = cacheable ? new List<(Guid Id, float[] Vector)>() : null;
        try
        {
            await using var reader = await command.ReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                // A vector of another size (another model's, mislabelled) cannot be compared: skipped.
                if (reader.GetBytes(1, 0, null, 0, 0) != size || reader.GetBytes(1, 0, buffer, 0, size) != size)
                {
                    continue;
                }
                var vector = MemoryMarshal.Cast<byte, float>(buffer.AsSpan(0, size));
                var id = _sql.GetGuid(reader, 0);
                Rank(id, TensorPrimitives.Dot(question, vector));
                if (keep is not null && (keep.Count + 1L) * (size + 16) <= _cache.MaxEntryBytes)
                {
                    keep.Add((id, vector.ToArray()));
                }
                else
                {
                    keep = null;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (keep is not null)
        {
            _cache.Set(key, new VectorCache.Entry(version, [.. keep.Select(row => row.Id)], [.. keep.SelectMany(row => row.Vector)], question.Length));
        }
        return Best(best);
    }

    private static List<NearMessage> Best(PriorityQueue<Guid, float> best)
    {
        var nearest = new List<NearMessage>(best.Count);
        while (best.TryDequeue(out var id, out var cosine))
        {
            nearest.Add(new NearMessage(id, cosine));
        }
        nearest.Reverse();
        return nearest;
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
    public async Task GiveUpAsync(IReadOnlyList<PendingEmbedding> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        await database.WriteForTenantsAsync([.. messages.Select(message => message.TenantId).Distinct(StringComparer.Ordinal)], async (session, admitted, token) =>
        {
            foreach (var message in messages.Where(message => admitted.Contains(message.TenantId)))
            {
                await using var delete = session.ForTenant(message.TenantId)
                    .Command("DELETE FROM embedding_backlog WHERE tenant_id = @tenant_id AND message_id = @id").With("id", message.MessageId);
                await delete.ExecuteAsync(token);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<long> CountPendingAsync(CancellationToken cancellationToken)
    {
        long pending = 0;
        await database.ForEachDatabaseAsync(async (_, token) =>
        {
            await using var session = await database.ReadAsync(token);
            await using var command = session.Command("SELECT COUNT(*) FROM embedding_backlog");
            pending += Convert.ToInt64(await command.ScalarAsync(token), System.Globalization.CultureInfo.InvariantCulture);
        }, cancellationToken);
        return pending;
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
    public async Task<long> EnqueueMissingAsync(string? tenantId, string model, CancellationToken cancellationToken)
    {
        var tenants = tenantId is not null ? [tenantId] : await TenantIdsAsync(cancellationToken);
        long queued = 0;
        foreach (var tenant in tenants)
        {
            // Window by window, each its own transaction: a large tenant never holds the writer
            // (SQLite's only one) for long, and an interrupted reindex keeps what it queued.
            long after = 0;
            while (true)
            {
                var upTo = await WindowEndAsync(tenant, after, cancellationToken);
                queued += await EnqueueWindowAsync(tenant, model, after, upTo, cancellationToken);
                if (upTo is not { } end)
                {
                    break;
                }
                after = end;
            }
        }
        return queued;
    }

    /// <summary>The seq that closes a window of the tenant's messages after <paramref name="after"/>; null for the last window.</summary>
    private async Task<long?> WindowEndAsync(string tenantId, long after, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(
            "SELECT seq FROM messages WHERE tenant_id = @tenant_id AND seq > @after ORDER BY seq LIMIT 1 OFFSET @skip")
            .With("after", after).With("skip", reindexWindow - 1);
        return await command.ScalarAsync(cancellationToken) is { } seq and not DBNull ? Convert.ToInt64(seq, CultureInfo.InvariantCulture) : null;
    }

    private Task<long> EnqueueWindowAsync(string tenantId, string model, long after, long? upTo, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            await using var command = session.Command($"""
                INSERT INTO embedding_backlog (tenant_id, message_id)
                SELECT m.tenant_id, m.id FROM messages m
                WHERE m.tenant_id = @tenant_id AND m.seq > @after {(upTo is null ? "" : "AND m.seq <= @up_to")}
                  AND NOT EXISTS (SELECT 1 FROM message_vectors v WHERE v.tenant_id = m.tenant_id AND v.message_id = m.id AND v.model = @model)
                ORDER BY m.seq
                ON CONFLICT (tenant_id, message_id) DO NOTHING
                """).With("model", model).With("after", after);
            if (upTo is not null)
            {
                command.With("up_to", upTo);
            }
            return (long)await command.ExecuteAsync(token);
        }, cancellationToken);

    private async Task<List<string>> TenantIdsAsync(CancellationToken cancellationToken)
    {
        var tenantIds = new List<string>();
        await database.ForEachDatabaseAsync(async (_, token) =>
        {
            await using var session = await database.ReadAsync(token);
            await using var command = session.Command("SELECT id FROM tenants WHERE placed_here ORDER BY id");
            tenantIds.AddRange(await command.ListAsync(reader => reader.GetString(0), token));
        }, cancellationToken);
        return tenantIds;
    }

    private static byte[] ToBytes(float[] vector) => MemoryMarshal.AsBytes(vector.AsSpan()).ToArray();

}
