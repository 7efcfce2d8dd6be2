using System.Data.Common;
using System.Text;
using Mnemo.Campaigns;
using Mnemo.Events;
using Mnemo.Json;
using Mnemo.Messages;
using Mnemo.Storage.Campaigns;
using Mnemo.Storage.Events;
using Mnemo.Storage.Users;
using Mnemo.Time;

namespace Mnemo.Storage.Messages;

/// <summary>The append path: group-committed, user created when missing, idempotent retries.</summary>
public sealed partial class MessageStore
{
    private const string CountIntoConversationSql = """
        UPDATE conversations SET
            message_count = message_count + @count,
            last_message_at = CASE WHEN last_message_at IS NULL OR last_message_at < @last_at THEN @last_at ELSE last_message_at END
        WHERE tenant_id = @tenant_id AND user_id = @user_id AND id = @id
        """;

    // A bare user, as appends create them; RETURNING answers a row only when it was created.
    private const string CreateUserIfMissingSql = """
        INSERT INTO users (tenant_id, id, metadata, created_at, last_seen) VALUES (@tenant_id, @user_id, '{}', @now, @now)
        ON CONFLICT (tenant_id, id) DO NOTHING
        RETURNING id;

        """;

    /// <inheritdoc />
    public Task<AppendResult> AppendAsync(string tenantId, string userId, IReadOnlyList<NewMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        // The user is created when missing in the same round trip as the insert (ensureOwner: null).
        return database.GroupWriteAsync($"{tenantId}/{userId}", (transaction, token) =>
            AppendInTransactionAsync(transaction, tenantId, userId, messages, ensureOwner: null, token), cancellationToken);
    }

    /// <inheritdoc />
    public Task<AppendResult> AppendForParticipantAsync(
        string tenantId, string campaignId, string userId, IReadOnlyList<NewMessage> messages, int tenantTtlDays, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var stamped = ParticipantMessages.InCampaign(messages, campaignId);
        // A participant's messages refresh their expiry and never create a system user.
        return database.GroupWriteAsync($"{tenantId}/{userId}", (transaction, token) => AppendInTransactionAsync(transaction, tenantId, userId, stamped, async now =>
        {
            _ = await ParticipantRows.TouchAsync(_sql, transaction, tenantId, campaignId, userId, null, false, null, tenantTtlDays, now, token)
                ?? throw new CampaignNotFoundException(campaignId);
            return false;
        }, token), cancellationToken);
    }

    /// <summary>
    /// Appends under the user's lock. <paramref name="ensureOwner"/> checks or creates who the
    /// messages belong to; null means a plain user, created when missing with a user_created event.
    /// </summary>
    private async Task<AppendResult> AppendInTransactionAsync(
        DbTransaction transaction, string tenantId, string userId, IReadOnlyList<NewMessage> messages, Func<DateTimeOffset, Task<bool>>? ensureOwner,
        CancellationToken cancellationToken)
    {
        var connection = transaction.Connection!;
        if (_sql.UserHistoryLockSql is { } lockSql)
        {
            await using var lockCommand = _sql.Command(connection, lockSql, transaction).With("tenant_id", tenantId).With("user_id", userId);
            await lockCommand.ScalarAsync(cancellationToken);
        }
        // The time is read under the user's lock, so for one user write order and time order agree.
        var now = timeProvider.GetUtcNowMicroseconds();
        var userCreated = ensureOwner is not null && await ensureOwner(now);

        var earlier = await FindByIdempotencyKeysAsync(transaction, tenantId, userId, messages, cancellationToken);
        var fresh = messages.Where(message => message.IdempotencyKey is null || !earlier.ContainsKey(message.IdempotencyKey)).ToList();
        var inserted = new Dictionary<NewMessage, Message>(ReferenceEqualityComparer.Instance);
        if (fresh.Count > 0)
        {
            (inserted, var created) = await InsertAsync(transaction, tenantId, userId, fresh, now, createUser: ensureOwner is null, cancellationToken);
            userCreated |= created;
        }
        else if (ensureOwner is null)
        {
            userCreated = await UserRows.InsertIfMissingAsync(_sql, transaction, tenantId, UserRows.Bare(userId, now), cancellationToken);
        }
        if (ensureOwner is null && userCreated)
        {
            await EventRows.InsertAsync(_sql, transaction, tenantId, userId, EventTypes.UserCreated, "{}", now, cancellationToken);
        }
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

    /// <summary>
    /// Inserts the messages; with <paramref name="createUser"/>, first creates the user when
    /// missing, in the same round trip. Returns the stored messages and whether the user was created.
    /// </summary>
    private async Task<(Dictionary<NewMessage, Message> Inserted, bool UserCreated)> InsertAsync(
        DbTransaction transaction, string tenantId, string userId, List<NewMessage> messages, DateTimeOffset now, bool createUser,
        CancellationToken cancellationToken)
    {
        var sql = new StringBuilder(createUser ? CreateUserIfMissingSql : string.Empty).Append("""
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
        await using var command = _sql.Command(transaction.Connection!, sql.ToString(), transaction)
            .With("tenant_id", tenantId).With("user_id", userId).With("now", now);
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
        static (Guid Id, long Seq) ReadAssigned(SqlDialect sql, DbDataReader reader) => (sql.GetGuid(reader, 0), reader.GetInt64(1));
        var (usersCreated, assigned) = createUser
            ? await command.CountFirstThenListAsync(reader => ReadAssigned(_sql, reader), cancellationToken)
            : (0, await command.ListAsync(reader => ReadAssigned(_sql, reader), cancellationToken));
        var inserted = new Dictionary<NewMessage, Message>(messages.Count, ReferenceEqualityComparer.Instance);
        foreach (var (id, seq) in assigned)
        {
            inserted[byId[id]] = pending[id] with { Seq = seq };
        }
        return (inserted, usersCreated == 1);
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
}
