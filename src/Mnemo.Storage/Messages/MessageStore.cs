using System.Runtime.CompilerServices;
using Mnemo.Messages;
using Mnemo.Recall;
using Mnemo.Storage.Campaigns;
using Mnemo.Storage.Recall;
using Mnemo.Storage.Users;

namespace Mnemo.Storage.Messages;

/// <summary>Messages on either backend: history, edits, deletion, search, export (the append path is in MessageStore.Append.cs).</summary>
public sealed partial class MessageStore(MnemoDatabase database, TimeProvider timeProvider) : IMessageStore
{
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

    private static readonly string EditSql = $"""
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
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(sql)
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
        if (rows.Count == 0 && !await OwnerExistsAsync(session, userId, query.CampaignId, cancellationToken))
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

    /// <summary>The owner of a history: the system user, or the participant of <paramref name="campaignId"/>.</summary>
    private static async Task<bool> OwnerExistsAsync(StoreSession session, string userId, string? campaignId, CancellationToken cancellationToken)
    {
        if (campaignId is null)
        {
            return await UserRows.ExistsAsync(session, userId, cancellationToken);
        }
        return await ParticipantRows.ReadAsync(session, campaignId, userId, lockRow: false, cancellationToken) is not null;
    }

    /// <inheritdoc />
    public async Task<Message?> GetAsync(string tenantId, string userId, Guid messageId, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(SelectOneSql).With("user_id", userId).With("id", messageId);
        return await command.SingleOrDefaultAsync(reader => MessageRows.Read(_sql, reader), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Message?> EditAsync(string tenantId, string userId, Guid messageId, MessageEdit edit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(edit);
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            await using var command = session.Command(EditSql)
                .With("user_id", userId)
                .With("id", messageId)
                .With("content", edit.Content)
                .WithJson("metadata", edit.MetadataJson)
                .WithJson("tags", edit.Tags is null ? null : StoredJson.Tags(edit.Tags))
                .With("edited_at", edit.EditedAt);
            return await command.SingleOrDefaultAsync(reader => MessageRows.Read(_sql, reader), token);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string tenantId, string userId, Guid messageId, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            await using var delete = session.Command(DeleteOneSql).With("user_id", userId).With("id", messageId);
            var deleted = await delete.ListAsync(reader => reader.IsDBNull(0) ? (Guid?)null : _sql.GetGuid(reader, 0), token);
            if (deleted.Count == 0)
            {
                return false;
            }
            if (deleted[0] is { } conversationId)
            {
                await using var uncount = session.Command(UncountFromConversationSql).With("user_id", userId).With("id", conversationId);
                await uncount.ExecuteAsync(token);
            }
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<long?> DeleteAllAsync(string tenantId, string userId, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            if (!await UserRows.ExistsAsync(session, userId, token))
            {
                return (long?)null;
            }
            await using var delete = session.Command(DeleteAllSql).With("user_id", userId);
            long deleted = await delete.ExecuteAsync(token);
            await using var reset = session.Command(ResetConversationCountsSql).With("user_id", userId);
            await reset.ExecuteAsync(token);
            return deleted;
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<bool> HasMoreThanAsync(string tenantId, string userId, int count, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT 1 FROM messages WHERE tenant_id = @tenant_id AND user_id = @user_id
            ORDER BY created_at DESC, seq DESC
            LIMIT 1 OFFSET @count
            """;
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(sql).With("user_id", userId).With("count", count);
        return await command.ScalarAsync(cancellationToken) is not null;
    }

    /// <inheritdoc />
    public async Task<long?> CountAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command("SELECT COUNT(*) FROM messages WHERE tenant_id = @tenant_id AND user_id = @user_id").With("user_id", userId);
        var count = Convert.ToInt64(await command.ScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return count == 0 && !await UserRows.ExistsAsync(session, userId, cancellationToken) ? null : count;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(
        string tenantId, string? userId, string query, RecallFilter filter, int limit, int offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(filter);
        if (_sql.FullTextQuery(query) is not { } backendQuery)
        {
            return [];
        }
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        if (_sql.FullTextSearchSql(MessageRows.Columns, forUser: userId is not null, alias => RecallFilters.Sql(filter, alias)) is not { } rankedInSql)
        {
            return await SearchRankedHereAsync(session, userId, backendQuery, filter, limit, offset, cancellationToken);
        }
        await using var command = session.Command(rankedInSql)
            .With("query", backendQuery)
            .With("max_matches", KeywordRanking.MaxMatches)
            .With("limit", limit)
            .With("offset", offset);
        if (userId is not null)
        {
            command.With("user_id", userId);
        }
        RecallFilters.Bind(filter, command);
        return await command.ListAsync(reader => new SearchHit(MessageRows.Read(_sql, reader), reader.GetDouble(MessageRows.ColumnCount)), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<long, string>> SnippetsAsync(string tenantId, string query, IReadOnlyCollection<long> seqs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(seqs);
        if (seqs.Count == 0 || _sql.FullTextQuery(query) is not { } backendQuery)
        {
            return new Dictionary<long, string>();
        }
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(_sql.FullTextSnippetsSql(SeqList(seqs.Count))).With("query", backendQuery);
        BindSeqs(command, seqs);
        return (await command.ListAsync(reader => (Seq: reader.GetInt64(0), Snippet: reader.GetString(1)), cancellationToken))
            .ToDictionary(row => row.Seq, row => row.Snippet);
    }

    /// <summary>
    /// Keyword search where the backend cannot rank by the searcher's own messages: the newest
    /// matches ranked here (<see cref="KeywordRanking"/>), then the page's rows read; the snippets
    /// come from the matches' marked content.
    /// </summary>
    private async Task<IReadOnlyList<SearchHit>> SearchRankedHereAsync(
        StoreSession session, string? userId, string backendQuery, RecallFilter filter, int limit, int offset, CancellationToken cancellationToken)
    {
        await using var matchesCommand = session.Command(_sql.FullTextMatchesSql(forUser: userId is not null, alias => RecallFilters.Sql(filter, alias)))
            .With("query", backendQuery)
            .With("limit", KeywordRanking.MaxMatches);
        if (userId is not null)
        {
            matchesCommand.With("user_id", userId);
        }
        RecallFilters.Bind(filter, matchesCommand);
        var matches = new List<KeywordRanking.Match>();
        var budget = KeywordRanking.MaxMarkedChars;
        await using (var reader = await matchesCommand.ReaderAsync(cancellationToken))
        {
            // Read while the budget lasts: the index marks each row only as it is read.
            while (budget > 0 && await reader.ReadAsync(cancellationToken))
            {
                var match = reader.GetString(1);
                matches.Add(new KeywordRanking.Match(reader.GetInt64(0), reader.IsDBNull(2) ? match : KeywordRanking.OwnMarksOnly(match, reader.GetString(2))));
                budget -= match.Length;
            }
        }
        if (matches.Count == 0)
        {
            return [];
        }
        // The statistics' corpus: the messages as old as the oldest match read, or all when every match was.
        // (SQLite also ends the window when the character budget runs out; PostgreSQL has none.)
        var everyMatch = matches.Count < KeywordRanking.MaxMatches && budget > 0;
        await using var corpusCommand = session.Command(
            $"SELECT COUNT(*) FROM messages c WHERE c.tenant_id = @tenant_id {(userId is null ? "" : "AND c.user_id = @user_id")} {(everyMatch ? "" : "AND c.seq >= @from_seq")}");
        if (!everyMatch)
        {
            corpusCommand.With("from_seq", matches[^1].Seq);
        }
        if (userId is not null)
        {
            corpusCommand.With("user_id", userId);
        }
        var corpus = Convert.ToInt64(await corpusCommand.ScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        var ranked = KeywordRanking.Rank(matches, corpus, limit, offset);
        if (ranked.Count == 0)
        {
            return [];
        }
        await using var pageCommand = session.Command($"SELECT {MessageRows.Columns} FROM messages m WHERE m.tenant_id = @tenant_id AND m.seq IN ({SeqList(ranked.Count)})");
        BindSeqs(pageCommand, [.. ranked.Select(hit => hit.Seq)]);
        var rows = (await pageCommand.ListAsync(reader => MessageRows.Read(_sql, reader), cancellationToken)).ToDictionary(message => message.Seq);
        var marked = matches.Where(match => rows.ContainsKey(match.Seq)).ToDictionary(match => match.Seq, match => match.Marked);
        // A row deleted between the two reads is left out.
        return [.. ranked.Where(hit => rows.ContainsKey(hit.Seq)).Select(hit => new SearchHit(rows[hit.Seq], hit.Score, MarkedSnippets.Of(marked[hit.Seq])))];
    }

    private static string SeqList(int count) => string.Join(", ", Enumerable.Range(0, count).Select(i => $"@seq{i}"));

    private static void BindSeqs(SqlCommand command, IEnumerable<long> seqs)
    {
        var index = 0;
        foreach (var seq in seqs)
        {
            command.With($"seq{index++}", seq);
        }
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
