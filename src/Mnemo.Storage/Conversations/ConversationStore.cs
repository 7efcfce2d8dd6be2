using System.Data.Common;
using Mnemo.Conversations;
using Mnemo.Events;
using Mnemo.Json;
using Mnemo.Storage.Events;
using Mnemo.Storage.Users;

namespace Mnemo.Storage.Conversations;

/// <summary>Conversations on either backend.</summary>
public sealed class ConversationStore(MnemoDatabase database) : IConversationStore
{
    private const string Columns = "id, user_id, campaign_id, workflow_name, status, started_at, ended_at, last_message_at, message_count, metadata";

    private const string InsertSql = """
        INSERT INTO conversations (tenant_id, id, user_id, campaign_id, workflow_name, status, started_at, message_count, metadata, idempotency_key)
        VALUES (@tenant_id, @id, @user_id, @campaign_id, @workflow_name, @status, @started_at, 0, @metadata, @idempotency_key)
        ON CONFLICT DO NOTHING
        """;

    private const string SelectOneSql = $"SELECT {Columns} FROM conversations WHERE tenant_id = @tenant_id AND user_id = @user_id AND id = @id";

    private const string CountSql = "SELECT COUNT(*) FROM conversations WHERE tenant_id = @tenant_id AND user_id = @user_id";

    private const string DeleteMessagesSql = "DELETE FROM messages WHERE tenant_id = @tenant_id AND user_id = @user_id AND conversation_id = @id";

    private const string DeleteSql = "DELETE FROM conversations WHERE tenant_id = @tenant_id AND user_id = @user_id AND id = @id";

    private readonly SqlDialect _sql = database.Dialect;

    /// <inheritdoc />
    public async Task<bool> CreateAsync(string tenantId, Conversation conversation, CancellationToken cancellationToken) =>
        await CreateAsync(tenantId, conversation, idempotencyKey: null, cancellationToken) is not null;

    /// <inheritdoc />
    public Task<Conversation?> CreateOnceAsync(string tenantId, Conversation conversation, string idempotencyKey, CancellationToken cancellationToken) =>
        CreateAsync(tenantId, conversation, idempotencyKey, cancellationToken);

    private Task<Conversation?> CreateAsync(string tenantId, Conversation conversation, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            if (!await UserRows.ExistsAsync(session, conversation.UserId, token))
            {
                return null;
            }
            await using var command = session.Command(InsertSql)
                .With("id", conversation.Id)
                .With("user_id", conversation.UserId)
                .With("campaign_id", conversation.CampaignId)
                .With("workflow_name", conversation.Workflow)
                .With("status", conversation.Status)
                .With("started_at", conversation.StartedAt)
                .WithJson("metadata", JsonObjects.ToStored(conversation.Metadata))
                .With("idempotency_key", idempotencyKey);
            if (await command.ExecuteAsync(token) == 0)
            {
                // The key was used before (or by a twin that committed first): answer with the conversation made then.
                await using var earlier = session.Command($"SELECT {Columns} FROM conversations WHERE tenant_id = @tenant_id AND user_id = @user_id AND idempotency_key = @key")
                    .With("user_id", conversation.UserId).With("key", idempotencyKey);
                return await earlier.SingleOrDefaultAsync(Read, token);
            }
            await EventRows.InsertAsync(session, conversation.UserId, EventTypes.ConversationStarted,
                ConversationEventData(conversation.Id), conversation.StartedAt, token);
            return conversation;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ConversationPage?> ListAsync(string tenantId, string userId, ConversationQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = $"""
            SELECT {Columns} FROM conversations
            WHERE tenant_id = @tenant_id AND user_id = @user_id
            {(query.Before is null ? "" : "AND (started_at < @before_at OR (started_at = @before_at AND id < @before_id))")}
            ORDER BY started_at DESC, id DESC
            LIMIT @limit OFFSET @offset
            """;
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        if (!await UserRows.ExistsAsync(session, userId, cancellationToken))
        {
            return null;
        }
        await using var command = session.Command(sql)
            .With("user_id", userId)
            .With("limit", query.Limit + 1)
            .With("offset", query.Before is null ? query.Offset : 0);
        if (query.Before is { } before)
        {
            command.With("before_at", before.StartedAt).With("before_id", before.Id);
        }
        var rows = await command.ListAsync(Read, cancellationToken);
        var hasMore = rows.Count > query.Limit;
        if (hasMore)
        {
            rows.RemoveAt(rows.Count - 1);
        }
        await using var count = session.Command(CountSql).With("user_id", userId);
        var total = Convert.ToInt64(await count.ScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return new ConversationPage(rows, total, hasMore);
    }

    /// <inheritdoc />
    public async Task<Conversation?> GetAsync(string tenantId, string userId, Guid conversationId, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(SelectOneSql).With("user_id", userId).With("id", conversationId);
        return await command.SingleOrDefaultAsync(Read, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Conversation?> UpdateAsync(string tenantId, string userId, Guid conversationId, ConversationUpdate update, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(update);
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            var wasActive = update.EndedAt is not null
                && await GetStatusAsync(session, userId, conversationId, token) == ConversationStatus.Active;
            var sql = $"""
                UPDATE conversations SET
                    {(update.EndedAt is null ? "" : "status = 'ended', ended_at = COALESCE(ended_at, @ended_at),")}
                    metadata = COALESCE(@metadata, metadata)
                WHERE tenant_id = @tenant_id AND user_id = @user_id AND id = @id
                RETURNING {Columns}
                """;
            await using var command = session.Command(sql)
                .With("user_id", userId)
                .With("id", conversationId)
                .WithJson("metadata", update.MetadataJson);
            if (update.EndedAt is { } endedAt)
            {
                command.With("ended_at", endedAt);
            }
            var updated = await command.SingleOrDefaultAsync(Read, token);
            if (updated is not null && wasActive)
            {
                await EventRows.InsertAsync(session, userId, EventTypes.ConversationEnded,
                    ConversationEventData(conversationId), update.EndedAt!.Value, token);
            }
            return updated;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long?> DeleteAsync(string tenantId, string userId, Guid conversationId, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            await using var deleteConversation = session.Command(DeleteSql).With("user_id", userId).With("id", conversationId);
            if (await deleteConversation.ExecuteAsync(token) == 0)
            {
                return (long?)null;
            }
            await using var deleteMessages = session.Command(DeleteMessagesSql).With("user_id", userId).With("id", conversationId);
            return await deleteMessages.ExecuteAsync(token);
        }, cancellationToken);

    private static async Task<string?> GetStatusAsync(StoreSession session, string userId, Guid conversationId, CancellationToken cancellationToken)
    {
        await using var command = session.Command("SELECT status FROM conversations WHERE tenant_id = @tenant_id AND user_id = @user_id AND id = @id").With("user_id", userId).With("id", conversationId);
        return await command.ScalarAsync(cancellationToken) as string;
    }

    private static string ConversationEventData(Guid conversationId) => $$"""{"conversation_id":"{{conversationId}}"}""";

    private Conversation Read(DbDataReader reader) => new()
    {
        Id = _sql.GetGuid(reader, 0),
        UserId = reader.GetString(1),
        CampaignId = reader.IsDBNull(2) ? null : reader.GetString(2),
        Workflow = reader.IsDBNull(3) ? null : reader.GetString(3),
        Status = reader.GetString(4),
        StartedAt = _sql.GetTimestamp(reader, 5),
        EndedAt = _sql.GetNullableTimestamp(reader, 6),
        LastMessageAt = _sql.GetNullableTimestamp(reader, 7),
        MessageCount = reader.GetInt64(8),
        Metadata = JsonObjects.Parse(_sql.GetJson(reader, 9)),
    };
}
