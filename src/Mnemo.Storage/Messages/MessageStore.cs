using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Text;
using Mnemo.Events;
using Mnemo.Json;
using Mnemo.Messages;
using Mnemo.Storage.Events;
using Mnemo.Storage.Users;
using Mnemo.Time;

namespace Mnemo.Storage.Messages;

/// <summary>Messages on either backend: append, history, edits, deletion, search, export.</summary>
public sealed class MessageStore(MnemoDatabase database, TimeProvider timeProvider) : IMessageStore
{
    private const string CountIntoConversationSql = """
        UPDATE conversations SET
            message_count = message_count + @count,
            last_message_at = CASE WHEN last_message_at IS NULL OR last_message_at < @last_at THEN @last_at ELSE last_message_at END
        WHERE tenant_id = @tenant_id AND user_id = @user_id AND id = @id
        """;

    private const string SelectOneSql = $"SELECT {MessageRows.Columns} FROM messages m WHERE m.tenant_id = @tenant_id AND m.user_id = @user_id AND m.id = @id";

    private const string DeleteOneSql = """
        DELETE FROM messages WHERE tenant_id = @tenant_id AND user_id = @user_id AND id = @id
        RETURNING conversation_id
        """;

    private const string UncountFromConversationSql = """
        UPDATE conversations SET message_count = message_count - 1
        WHERE tenant_id = @tenant_id AND user_id = @user_id AND id = @id AND message_count > 0
        """;

    private const string DeleteAllSql = "DELETE FROM messages WHERE tenant_id = @tenant_id AND user_id = @user_id";

    private const string ResetConversationCountsSql = """
        UPDATE conversations SET message_count = 0 WHERE tenant_id = @tenant_id AND user_id = @user_id
        """;

    private const string EditSql = $"""
        UPDATE messages SET
            content = COALESCE(@content, content),
            metadata = COALESCE(@metadata, metadata),
            tags = COALESCE(@tags, tags),
            edited_at = @edited_at
        WHERE tenant_id = @tenant_id AND user_id = @user_id AND id = @id
        RETURNING {MessageRows.UnqualifiedColumns}
        """;

    private const int StreamBatchSize = 500;

    private readonly SqlDialect _sql = database.Dialect;

    /// <inheritdoc />
    public Task<AppendResult> AppendAsync(string tenantId, string userId, IReadOnlyList<NewMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return database.WriteAsync((transaction, token) => AppendInTransactionAsync(transaction, tenantId, userId, messages, token), cancellationToken);
    }

    private async Task<AppendResult> AppendInTransactionAsync(
        DbTransaction transaction, string tenantId, string userId, IReadOnlyList<NewMessage> messages, CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        if (_sql.UserHistoryLockSql is { } lockSql)
        {
            await using var lockCommand = _sql.Command(connection, lockSql, transaction).With("tenant_id", tenantId).With("user_id", userId);
            await lockCommand.ScalarAsync(cancellationToken);
        }
        // The time is read under the user's lock, so for one user write order and time order agree.
        var now = timeProvider.GetUtcNowMicroseconds();
        var userCreated = await UserRows.InsertIfMissingAsync(_sql, transaction, tenantId, UserRows.Bare(userId, now), cancellationToken);
        if (userCreated)
        {
            await EventRows.InsertAsync(_sql, transaction, tenantId, userId, EventTypes.UserCreated, "{}", now, cancellationToken);
        }

        var earlier = await FindByIdempotencyKeysAsync(transaction, tenantId, userId, messages, cancellationToken);
        var fresh = messages.Where(message => message.IdempotencyKey is null || !earlier.ContainsKey(message.IdempotencyKey)).ToList();
        var inserted = fresh.Count == 0
            ? new Dictionary<NewMessage, Message>()
            : await InsertAsync(transaction, tenantId, userId, fresh, now, cancellationToken);
        await CountIntoConversationsAsync(transaction, tenantId, userId, inserted.Values, cancellationToken);

        var result = messages
            .Select(message => message.IdempotencyKey is { } key && earlier.TryGetValue(key, out var first) ? first : inserted[message])
            .ToList();
        return new AppendResult(result, inserted.Count > 0, userCreated);
    }

    private async Task<Dictionary<string, Message>> FindByIdempotencyKeysAsync(
        DbTransaction transaction, string tenantId, string userId, IReadOnlyList<NewMessage> messages, CancellationToken cancellationToken)
    {
        var keys = messages.Select(message => message.IdempotencyKey).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        if (keys.Count == 0)
        {
            return new Dictionary<string, Message>(StringComparer.Ordinal);
        }
        var sql = $"""
            SELECT {MessageRows.Columns} FROM messages m
            WHERE m.tenant_id = @tenant_id AND m.user_id = @user_id
              AND m.idempotency_key IN ({string.Join(", ", keys.Select((_, i) => $"@key{i}"))})
            """;
        await using var command = _sql.Command(transaction.Connection!, sql, transaction).With("tenant_id", tenantId).With("user_id", userId);
        for (var i = 0; i < keys.Count; i++)
        {
            command.With($"key{i}", keys[i]);
        }
        var found = await command.ListAsync(reader => MessageRows.Read(_sql, reader), cancellationToken);
        return found.ToDictionary(message => message.IdempotencyKey!, StringComparer.Ordinal);
    }

    private async Task<Dictionary<NewMessage, Message>> InsertAsync(
        DbTransaction transaction, string tenantId, string userId, List<NewMessage> messages, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sql = new StringBuilder("""
            INSERT INTO messages (tenant_id, id, user_id, conversation_id, campaign_id, role, content, metadata, tags, created_at, idempotency_key)
            VALUES
            """);
        for (var i = 0; i < messages.Count; i++)
        {
            sql.Append(i == 0 ? "\n" : ",\n")
                .Append($"(@tenant_id, @id{i}, @user_id, @conversation_id{i}, @campaign_id{i}, @role{i}, @content{i}, @metadata{i}, @tags{i}, @created_at{i}, @key{i})");
        }
        sql.Append("\nRETURNING id, seq");

        var pending = new Dictionary<Guid, Message>(messages.Count);
        var byId = new Dictionary<Guid, NewMessage>(messages.Count);
        await using var command = _sql.Command(transaction.Connection!, sql.ToString(), transaction).With("tenant_id", tenantId).With("user_id", userId);
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            var createdAt = message.CreatedAt is { } given ? TimeProviderExtensions.TruncateToMicroseconds(given) : now;
            var id = Guid.CreateVersion7(createdAt);
            command.With($"id{i}", id)
                .With($"conversation_id{i}", message.ConversationId)
                .With($"campaign_id{i}", message.CampaignId)
                .With($"role{i}", message.Role)
                .With($"content{i}", message.Content)
                .WithJson($"metadata{i}", message.MetadataJson)
                .WithJson($"tags{i}", StoredJson.Tags(message.Tags))
                .With($"created_at{i}", createdAt)
                .With($"key{i}", message.IdempotencyKey);
            byId[id] = message;
            pending[id] = new Message
            {
                Id = id,
                Seq = 0,
                UserId = userId,
                ConversationId = message.ConversationId,
                CampaignId = message.CampaignId,
                Role = message.Role,
                Content = message.Content,
                Metadata = JsonObjects.Parse(message.MetadataJson),
                Tags = message.Tags,
                CreatedAt = createdAt,
                IdempotencyKey = message.IdempotencyKey,
            };
        }
        // RETURNING gives no order guarantee on SQLite: match the sequence numbers back by id.
        var assigned = await command.ListAsync(reader => (Id: _sql.GetGuid(reader, 0), Seq: reader.GetInt64(1)), cancellationToken);
        var inserted = new Dictionary<NewMessage, Message>(messages.Count, ReferenceEqualityComparer.Instance);
        foreach (var (id, seq) in assigned)
        {
            inserted[byId[id]] = pending[id] with { Seq = seq };
        }
        return inserted;
    }

    private async Task CountIntoConversationsAsync(
        DbTransaction transaction, string tenantId, string userId, IEnumerable<Message> inserted, CancellationToken cancellationToken)
    {
        foreach (var group in inserted.Where(message => message.ConversationId is not null).GroupBy(message => message.ConversationId!.Value))
        {
            await using var command = _sql.Command(transaction.Connection!, CountIntoConversationSql, transaction)
                .With("tenant_id", tenantId)
                .With("user_id", userId)
                .With("id", group.Key)
                .With("count", group.LongCount())
                .With("last_at", group.Max(message => message.CreatedAt));
            if (await command.ExecuteAsync(cancellationToken) == 0)
            {
                throw new ConversationNotFoundException(group.Key);
            }
        }
    }

    /// <inheritdoc />
    public async Task<MessagePage?> ListAsync(string tenantId, string userId, MessageQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var forward = query.After is not null || query.OldestFirst;
        // Built from constant fragments only; every value is a bound parameter. Row-value
        // comparison walks the (tenant_id, user_id, created_at, seq) index from the cursor.
        var sql = $"""
            SELECT {MessageRows.Columns} FROM messages m
            WHERE m.tenant_id = @tenant_id AND m.user_id = @user_id
            {(query.ConversationId is null ? "" : "AND m.conversation_id = @conversation_id")}
            {(query.Role is null ? "" : "AND m.role = @role")}
            {(query.CampaignId is null ? "" : "AND m.campaign_id = @campaign_id")}
            {(query.Before is null ? "" : "AND (m.created_at, m.seq) < (@before_at, @before_seq)")}
            {(query.After is null ? "" : "AND (m.created_at, m.seq) > (@after_at, @after_seq)")}
            ORDER BY m.created_at {(forward ? "ASC" : "DESC")}, m.seq {(forward ? "ASC" : "DESC")}
            LIMIT @limit
            """;
        await using var connection = await database.OpenReadConnectionAsync(cancellationToken);
        await using var command = _sql.Command(connection, sql)
            .With("tenant_id", tenantId)
            .With("user_id", userId)
            .With("limit", query.Limit + 1);
        if (query.ConversationId is { } conversationId)
        {
            command.With("conversation_id", conversationId);
        }
        if (query.Role is { } role)
        {
            command.With("role", role);
        }
        if (query.CampaignId is { } campaignId)
        {
            command.With("campaign_id", campaignId);
        }
        if (query.Before is { } before)
        {
            command.With("before_at", before.CreatedAt).With("before_seq", before.Seq);
        }
        if (query.After is { } after)
        {
            command.With("after_at", after.CreatedAt).With("after_seq", after.Seq);
        }
        var rows = await command.ListAsync(reader => MessageRows.Read(_sql, reader), cancellationToken);
        if (rows.Count == 0 && !await UserRows.ExistsAsync(_sql, connection, null, tenantId, userId, cancellationToken))
        {
            return null;
        }
        var hasMore = rows.Count > query.Limit;
        if (hasMore)
        {
            rows.RemoveAt(rows.Count - 1);
        }
        if (!forward)
        {
            rows.Reverse();
        }
        return new MessagePage(rows, hasMore);
    }

    /// <inheritdoc />
    public async Task<Message?> GetAsync(string tenantId, string userId, Guid messageId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenReadConnectionAsync(cancellationToken);
        await using var command = _sql.Command(connection, SelectOneSql).With("tenant_id", tenantId).With("user_id", userId).With("id", messageId);
        return await command.SingleOrDefaultAsync(reader => MessageRows.Read(_sql, reader), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Message?> EditAsync(string tenantId, string userId, Guid messageId, MessageEdit edit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(edit);
        return database.WriteAsync(async (transaction, token) =>
        {
            await using var command = _sql.Command(transaction.Connection!, EditSql, transaction)
                .With("tenant_id", tenantId)
                .With("user_id", userId)
                .With("id", messageId)
                .With("content", edit.Content)
                .WithJson("metadata", edit.MetadataJson)
                .WithJson("tags", edit.Tags is null ? null : StoredJson.Tags(edit.Tags))
                .With("edited_at", TimeProviderExtensions.TruncateToMicroseconds(edit.EditedAt));
            return await command.SingleOrDefaultAsync(reader => MessageRows.Read(_sql, reader), token);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string tenantId, string userId, Guid messageId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (transaction, token) =>
        {
            var connection = transaction.Connection!;
            await using var delete = _sql.Command(connection, DeleteOneSql, transaction)
                .With("tenant_id", tenantId).With("user_id", userId).With("id", messageId);
            var deleted = await delete.ListAsync(reader => reader.IsDBNull(0) ? (Guid?)null : _sql.GetGuid(reader, 0), token);
            if (deleted.Count == 0)
            {
                return false;
            }
            if (deleted[0] is { } conversationId)
            {
                await using var uncount = _sql.Command(connection, UncountFromConversationSql, transaction)
                    .With("tenant_id", tenantId).With("user_id", userId).With("id", conversationId);
                await uncount.ExecuteAsync(token);
            }
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<long?> DeleteAllAsync(string tenantId, string userId, CancellationToken cancellationToken) =>
        database.WriteAsync(async (transaction, token) =>
        {
            var connection = transaction.Connection!;
            if (!await UserRows.ExistsAsync(_sql, connection, transaction, tenantId, userId, token))
            {
                return (long?)null;
            }
            await using var delete = _sql.Command(connection, DeleteAllSql, transaction).With("tenant_id", tenantId).With("user_id", userId);
            long deleted = await delete.ExecuteAsync(token);
            await using var reset = _sql.Command(connection, ResetConversationCountsSql, transaction).With("tenant_id", tenantId).With("user_id", userId);
            await reset.ExecuteAsync(token);
            return deleted;
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string tenantId, string? userId, string query, int limit, int offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (_sql.FullTextQuery(query) is not { } backendQuery)
        {
            return [];
        }
        await using var connection = await database.OpenReadConnectionAsync(cancellationToken);
        await using var command = _sql.Command(connection, _sql.FullTextSearchSql(MessageRows.Columns, forUser: userId is not null))
            .With("tenant_id", tenantId)
            .With("query", backendQuery)
            .With("limit", limit)
            .With("offset", offset);
        if (userId is not null)
        {
            command.With("user_id", userId);
        }
        return await command.ListAsync(
            reader => new SearchHit(MessageRows.Read(_sql, reader), reader.GetString(MessageRows.ColumnCount), reader.GetDouble(MessageRows.ColumnCount + 1)),
            cancellationToken);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<Message> StreamAsync(string tenantId, string userId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Batches over the history index, each on a connection of its own, so an export to a
        // slow client never holds a connection (or SQLite's snapshot) for its whole length.
        MessagePosition? after = null;
        while (true)
        {
            var query = new MessageQuery { Limit = StreamBatchSize, After = after, OldestFirst = true };
            var page = await ListAsync(tenantId, userId, query, cancellationToken);
            if (page is null || page.Messages.Count == 0)
            {
                yield break;
            }
            foreach (var message in page.Messages)
            {
                yield return message;
            }
            if (!page.HasMore)
            {
                yield break;
            }
            var last = page.Messages[^1];
            after = new MessagePosition(last.CreatedAt, last.Seq);
        }
    }
}
