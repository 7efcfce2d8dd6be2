using System.Data.Common;
using Mnemo.Insights;
using Mnemo.Storage.Users;

namespace Mnemo.Storage.Insights;

/// <summary>Insights on either backend.</summary>
public sealed class InsightStore(MnemoDatabase database) : IInsightStore
{
    internal const string Columns = "id, user_id, topic, subtopic, content, confidence, source, created_at";

    private const string InsertSql = """
        INSERT INTO insights (tenant_id, id, user_id, topic, subtopic, content, confidence, source, created_at)
        VALUES (@tenant_id, @id, @user_id, @topic, @subtopic, @content, @confidence, @source, @created_at)
        """;

    private const string TopicsSql = """
        SELECT topic, subtopic, COUNT(*) FROM insights
        WHERE tenant_id = @tenant_id AND user_id = @user_id
        GROUP BY topic, subtopic
        ORDER BY topic, subtopic
        """;

    private const string DeleteSql = "DELETE FROM insights WHERE tenant_id = @tenant_id AND user_id = @user_id AND id = @id";

    private readonly SqlDialect _sql = database.Dialect;

    /// <inheritdoc />
    public Task<bool> CreateAsync(string tenantId, Insight insight, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(insight);
        return database.WriteAsync(tenantId, async (session, token) =>
        {
            if (!await UserRows.ExistsAsync(session, insight.UserId, token))
            {
                return false;
            }
            await using var command = session.Command(InsertSql)
                .With("id", insight.Id)
                .With("user_id", insight.UserId)
                .With("topic", insight.Topic)
                .With("subtopic", insight.Subtopic)
                .With("content", insight.Content)
                .With("confidence", insight.Confidence)
                .With("source", insight.Source)
                .With("created_at", insight.CreatedAt);
            await command.ExecuteAsync(token);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Insight>?> ListAsync(string tenantId, string userId, string? topic, int limit, CancellationToken cancellationToken)
    {
        var sql = $"""
            SELECT {Columns} FROM insights
            WHERE tenant_id = @tenant_id AND user_id = @user_id {(topic is null ? "" : "AND topic = @topic")}
            ORDER BY created_at DESC, id DESC
            LIMIT @limit
            """;
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(sql).With("user_id", userId).With("limit", limit);
        if (topic is not null)
        {
            command.With("topic", topic);
        }
        var insights = await command.ListAsync(reader => Read(_sql, reader), cancellationToken);
        return insights.Count == 0 && !await UserRows.ExistsAsync(session, userId, cancellationToken) ? null : insights;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TopicSummary>?> TopicsAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(TopicsSql).With("user_id", userId);
        var rows = await command.ListAsync(reader => (Topic: reader.GetString(0), Subtopic: reader.IsDBNull(1) ? null : reader.GetString(1), Count: reader.GetInt64(2)), cancellationToken);
        if (rows.Count == 0 && !await UserRows.ExistsAsync(session, userId, cancellationToken))
        {
            return null;
        }
        return [.. rows.GroupBy(row => row.Topic, StringComparer.Ordinal).Select(group => new TopicSummary
        {
            Topic = group.Key,
            Count = group.Sum(row => row.Count),
            Subtopics = [.. group.Where(row => row.Subtopic is not null).Select(row => new SubtopicSummary(row.Subtopic!, row.Count))],
        })];
    }

    /// <inheritdoc />
    public Task<bool> DeleteAsync(string tenantId, string userId, Guid insightId, CancellationToken cancellationToken) =>
        database.WriteAsync(tenantId, async (session, token) =>
        {
            await using var command = session.Command(DeleteSql).With("user_id", userId).With("id", insightId);
            return await command.ExecuteAsync(token) > 0;
        }, cancellationToken);

    internal static Insight Read(SqlDialect sql, DbDataReader reader, int offset = 0) => new()
    {
        Id = sql.GetGuid(reader, offset),
        UserId = reader.GetString(offset + 1),
        Topic = reader.GetString(offset + 2),
        Subtopic = reader.IsDBNull(offset + 3) ? null : reader.GetString(offset + 3),
        Content = reader.GetString(offset + 4),
        Confidence = reader.IsDBNull(offset + 5) ? null : reader.GetDouble(offset + 5),
        Source = reader.IsDBNull(offset + 6) ? null : reader.GetString(offset + 6),
        CreatedAt = sql.GetTimestamp(reader, offset + 7),
    };
}
