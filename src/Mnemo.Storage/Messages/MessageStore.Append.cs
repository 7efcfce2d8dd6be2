using System.Data.Common;
using System.Text;
using Mnemo.Campaigns;
using Mnemo.Diagnostics;
using Mnemo.Events;
using Mnemo.Json;
using Mnemo.Messages;
using Mnemo.Storage.Campaigns;
using Mnemo.Storage.Events;
using Mnemo.Time;

namespace Mnemo.Storage.Messages;

/// <summary>
/// The append path: group-committed, users created when missing, idempotent retries. Plain
/// appends queued together are written with one multi-row insert (<see cref="PlainAppendWriter"/>).
/// </summary>
public sealed partial class MessageStore
{
    private const string CountIntoConversationSql = """
        UPDATE conversations SET
            message_count = message_count + @count,
            last_message_at = CASE WHEN last_message_at IS NULL OR last_message_at < @last_at THEN @last_at ELSE last_message_at END
        WHERE tenant_id = @tenant_id AND user_id = @user_id AND id = @id
        """;


    private readonly PlainAppendWriter _plainAppends = new(timeProvider);

    /// <inheritdoc />
    public async Task<AppendResult> AppendAsync(string tenantId, string userId, IReadOnlyList<NewMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        using var span = MnemoTracing.Source.StartActivity("mnemo.append");
        span?.SetTag(MnemoTracing.TenantId, tenantId);
        span?.SetTag("mnemo.messages", messages.Count);
        return await database.GroupWriteAsync(tenantId, LockKey(tenantId, userId), new Append(tenantId, userId, messages), _plainAppends, cancellationToken);
    }

    /// <inheritdoc />
    public Task<AppendResult> AppendForParticipantAsync(
        string tenantId, string campaignId, string userId, IReadOnlyList<NewMessage> messages, int tenantTtlDays, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var stamped = ParticipantMessages.InCampaign(messages, campaignId);
        // A participant's messages refresh their expiry and never create a system user.
        return database.GroupWriteAsync(tenantId, LockKey(tenantId, userId), async (session, token) =>
        {
            var now = timeProvider.GetUtcNowMicroseconds();
            _ = await ParticipantRows.TouchAsync(session.ForTenant(tenantId), campaignId, userId, null, false, null, tenantTtlDays, now, token)
                ?? throw new CampaignNotFoundException(campaignId);
            var results = await AppendAllAsync(session, [new Append(tenantId, userId, stamped)], createUsers: false, now, locks: null, token);
            return results[0];
        }, cancellationToken);
    }

    /// <summary>The group-commit lock key of one user's history (see <see cref="SqlDialect.LockKeysSql"/>).</summary>
    private static string LockKey(string tenantId, string userId) => $"{tenantId}/{userId}";

    /// <summary>
    /// Appends for several users at once: earlier messages found by idempotency key in one query,
    /// then users (with <paramref name="createUsers"/>) and messages inserted in one round trip.
    /// The users' <paramref name="locks"/> go with the first of those statements (null: held
    /// already). Answers in the order of <paramref name="appends"/>.
    /// </summary>
    private static async Task<IReadOnlyList<AppendResult>> AppendAllAsync(
        StoreSession session, IReadOnlyList<Append> appends, bool createUsers, DateTimeOffset now, KeyLocks? locks, CancellationToken cancellationToken)
    {
        var earlier = await FindByIdempotencyKeysAsync(session, appends, locks, cancellationToken);
        // A key may repeat across the batch (a retry queued beside its first attempt): the first is inserted, the rest answer with it.
        var firstByKey = new Dictionary<(string Tenant, string User, string Key), NewMessage>();
        var rows = new List<NewRow>();
        foreach (var append in appends)
        {
            foreach (var message in append.Messages)
            {
                var fresh = message.IdempotencyKey is not { } key
                    || (!earlier.ContainsKey((append.TenantId, append.UserId, key)) && firstByKey.TryAdd((append.TenantId, append.UserId, key), message));
                if (fresh)
                {
                    rows.Add(new NewRow(append.TenantId, append.UserId, message));
                }
            }
        }
        var owners = createUsers ? appends.Select(append => (append.TenantId, append.UserId)).Distinct().ToList() : [];
        var (inserted, createdUsers) = await InsertAsync(session, owners, rows, now, locks, cancellationToken);
        foreach (var (tenantId, userId) in createdUsers)
        {
            await EventRows.InsertAsync(session.ForTenant(tenantId), userId, EventTypes.UserCreated, "{}", now, cancellationToken);
        }

        var results = new List<AppendResult>(appends.Count);
        foreach (var append in appends)
        {
            var stored = append.Messages.Select(message =>
                message.IdempotencyKey is not { } key ? inserted[message]
                : earlier.TryGetValue((append.TenantId, append.UserId, key), out var first) ? first
                : inserted[firstByKey[(append.TenantId, append.UserId, key)]]).ToList();
            var insertedHere = append.Messages.Where(inserted.ContainsKey).Select(message => inserted[message]).ToList();
            await CountIntoConversationsAsync(session.ForTenant(append.TenantId), append.UserId, insertedHere, cancellationToken);
            // Only the first of a user's appends in the batch is the one that created them.
            results.Add(new AppendResult(stored, AnyNew: insertedHere.Count > 0, UserCreated: createdUsers.Remove((append.TenantId, append.UserId))));
        }
        return results;
    }

    /// <summary>Messages stored earlier under the appends' idempotency keys, in one query.</summary>
    private static async Task<Dictionary<(string Tenant, string User, string Key), Message>> FindByIdempotencyKeysAsync(
        StoreSession session, IReadOnlyList<Append> appends, KeyLocks? locks, CancellationToken cancellationToken)
    {
        var found = new Dictionary<(string Tenant, string User, string Key), Message>();
        var keyed = appends
            .Select(append => (append.TenantId, append.UserId, Keys: append.Messages.Select(message => message.IdempotencyKey).OfType<string>().ToList()))
            .Where(append => append.Keys.Count > 0)
            .ToList();
        if (keyed.Count == 0)
        {
            return found;
        }
        var sql = new StringBuilder($"SELECT {MessageRows.Columns}, m.tenant_id FROM messages m WHERE ");
        await using var command = session.CommandBuiltLater();
        for (var i = 0; i < keyed.Count; i++)
        {
            var (tenantId, userId, keys) = keyed[i];
            sql.Append(i == 0 ? "(" : " OR (").Append($"m.tenant_id = @tenant_id{i} AND m.user_id = @user_id{i} AND m.idempotency_key IN (")
                .AppendJoin(", ", keys.Select((_, k) => $"@key{i}_{k}")).Append("))");
            command.With($"tenant_id{i}", tenantId).With($"user_id{i}", userId);
            for (var k = 0; k < keys.Count; k++)
            {
                command.With($"key{i}_{k}", keys[k]);
            }
        }
        command.SetText(sql.ToString(), locks);
        var rows = await command.ListAsync(reader => (Tenant: reader.GetString(MessageRows.ColumnCount), Message: MessageRows.Read(session.Dialect, reader)), cancellationToken);
        foreach (var (tenant, message) in rows)
        {
            found[(tenant, message.UserId, message.IdempotencyKey!)] = message;
        }
        return found;
    }

    /// <summary>
    /// Creates the <paramref name="owners"/> that are missing and inserts <paramref name="rows"/>,
    /// in one round trip. Returns the stored messages (by the instance they were made from) and
    /// the users that were created.
    /// </summary>
    private static async Task<(Dictionary<NewMessage, Message> Inserted, HashSet<(string TenantId, string UserId)> CreatedUsers)> InsertAsync(
        StoreSession session, List<(string TenantId, string UserId)> owners, List<NewRow> rows, DateTimeOffset now, KeyLocks? locks,
        CancellationToken cancellationToken)
    {
        var inserted = new Dictionary<NewMessage, Message>(rows.Count, ReferenceEqualityComparer.Instance);
        var createdUsers = new HashSet<(string TenantId, string UserId)>();
        if (owners.Count == 0 && rows.Count == 0)
        {
            return (inserted, createdUsers);
        }
        var sql = new StringBuilder();
        await using var command = session.CommandBuiltLater().With("now", now);
        // Bare users, as appends create them; RETURNING answers a row only for those created.
        sql.Append("INSERT INTO users (tenant_id, id, metadata, created_at, last_seen) VALUES");
        for (var i = 0; i < owners.Count; i++)
        {
            sql.Append(i == 0 ? "\n" : ",\n").Append($"(@owner_tenant{i}, @owner{i}, '{{}}', @now, @now)");
            command.With($"owner_tenant{i}", owners[i].TenantId).With($"owner{i}", owners[i].UserId);
        }
        sql.Append("\nON CONFLICT (tenant_id, id) DO NOTHING\nRETURNING tenant_id, id;\n");
        if (owners.Count == 0)
        {
            sql.Clear();
        }

        var pending = new Dictionary<Guid, (NewMessage Source, Message Row)>(rows.Count);
        if (rows.Count > 0)
        {
            sql.Append("INSERT INTO messages (tenant_id, id, user_id, conversation_id, campaign_id, role, content, metadata, tags, created_at, idempotency_key) VALUES");
            for (var i = 0; i < rows.Count; i++)
            {
                var (tenantId, userId, message) = rows[i];
                var createdAt = message.CreatedAt is { } given ? TimeProviderExtensions.TruncateToMicroseconds(given) : now;
                var id = Guid.CreateVersion7(createdAt);
                sql.Append(i == 0 ? "\n" : ",\n")
                    .Append($"(@tenant_id{i}, @id{i}, @user_id{i}, @conversation_id{i}, @campaign_id{i}, @role{i}, @content{i}, @metadata{i}, @tags{i}, @created_at{i}, @key{i})");
                command.With($"tenant_id{i}", tenantId)
                    .With($"id{i}", id)
                    .With($"user_id{i}", userId)
                    .With($"conversation_id{i}", message.ConversationId)
                    .With($"campaign_id{i}", message.CampaignId)
                    .With($"role{i}", message.Role)
                    .With($"content{i}", message.Content)
                    .WithJson($"metadata{i}", message.MetadataJson)
                    .WithJson($"tags{i}", StoredJson.Tags(message.Tags))
                    .With($"created_at{i}", createdAt)
                    .With($"key{i}", message.IdempotencyKey);
                pending[id] = (message, new Message
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
                });
            }
            sql.Append("\nRETURNING id, seq");
        }
        command.SetText(sql.ToString(), locks);

        // RETURNING gives no order guarantee on SQLite: sequence numbers are matched back by id.
        static (Guid Id, long Seq) ReadAssigned(SqlDialect sql, DbDataReader reader) => (sql.GetGuid(reader, 0), reader.GetInt64(1));
        static (string TenantId, string UserId) ReadUser(DbDataReader reader) => (reader.GetString(0), reader.GetString(1));
        var (created, assigned) = (owners.Count, rows.Count) switch
        {
            (0, _) => ([], await command.ListAsync(reader => ReadAssigned(session.Dialect, reader), cancellationToken)),
            (_, 0) => (await command.ListAsync(ReadUser, cancellationToken), []),
            _ => await command.ListBothAsync(ReadUser, reader => ReadAssigned(session.Dialect, reader), cancellationToken),
        };
        createdUsers.UnionWith(created);
        foreach (var (id, seq) in assigned)
        {
            var (source, row) = pending[id];
            inserted[source] = row with { Seq = seq };
        }
        return (inserted, createdUsers);
    }

    private static async Task CountIntoConversationsAsync(
        StoreSession session, string userId, IEnumerable<Message> inserted, CancellationToken cancellationToken)
    {
        foreach (var group in inserted.Where(message => message.ConversationId is not null).GroupBy(message => message.ConversationId!.Value))
        {
            await using var command = session.Command(CountIntoConversationSql)
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

    /// <summary>One caller's messages for one user.</summary>
    private sealed record Append(string TenantId, string UserId, IReadOnlyList<NewMessage> Messages);

    /// <summary>One message to insert, with whose it is.</summary>
    private readonly record struct NewRow(string TenantId, string UserId, NewMessage Message);

    /// <summary>
    /// Plain appends (users created when missing) queued together, written in one go. The time is
    /// read before their locks are sent (with the first statement): the group commit writes a
    /// user's batches one after the other on this node, so it still follows their write order.
    /// </summary>
    private sealed class PlainAppendWriter(TimeProvider timeProvider) : BatchWriter<Append, AppendResult>
    {
        public override Task<IReadOnlyList<AppendResult>> WriteAllAsync(
            StoreSession session, IReadOnlyList<Append> items, KeyLocks locks, CancellationToken cancellationToken) =>
            AppendAllAsync(session, items, createUsers: true, timeProvider.GetUtcNowMicroseconds(), locks, cancellationToken);

        public override async Task<AppendResult> WriteOneAsync(StoreSession session, Append item, KeyLocks locks, CancellationToken cancellationToken) =>
            (await WriteAllAsync(session, [item], locks, cancellationToken))[0];
    }
}
