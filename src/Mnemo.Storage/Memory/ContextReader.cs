using Mnemo.Insights;
using Mnemo.Memory;
using Mnemo.Messages;
using Mnemo.Storage.Campaigns;
using Mnemo.Storage.Insights;
using Mnemo.Storage.Messages;
using Mnemo.Time;

namespace Mnemo.Storage.Memory;

/// <summary>
/// Context assembly: the user, their profile, their newest messages, insights and live campaign
/// participation, read by one command of five statements: one round trip to PostgreSQL, one call into SQLite.
/// </summary>
public sealed class ContextReader(MnemoDatabase database, TimeProvider timeProvider) : IContextReader
{
    private const string Sql = $"""
        SELECT 1 FROM users WHERE tenant_id = @tenant_id AND id = @user_id;
        SELECT {ProfileRows.Columns} FROM profiles WHERE tenant_id = @tenant_id AND user_id = @user_id;
        SELECT {MessageRows.Columns} FROM messages m
            WHERE m.tenant_id = @tenant_id AND m.user_id = @user_id
            ORDER BY m.created_at DESC, m.seq DESC
            LIMIT @message_limit;
        SELECT {InsightStore.Columns} FROM insights
            WHERE tenant_id = @tenant_id AND user_id = @user_id
            ORDER BY created_at DESC, id DESC
            LIMIT @insight_limit;
        SELECT {ParticipantRows.Columns} FROM campaign_participants
            WHERE tenant_id = @tenant_id AND user_id = @user_id AND migrated_to IS NULL AND expires_at > @now
            ORDER BY updated_at DESC
            LIMIT 1;
        """;

    private readonly SqlDialect _sql = database.Dialect;

    /// <inheritdoc />
    public async Task<AssembledContext?> ReadAsync(
        string tenantId, string userId, ContextBudget budget, ProfileDefaults defaults, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(budget);
        await using var session = await database.ReadAsync(tenantId, cancellationToken);
        await using var command = session.Command(Sql)
            .With("user_id", userId)
            .With("message_limit", budget.MaxMessages + 1)
            .With("insight_limit", budget.MaxInsights)
            .With("now", timeProvider.GetUtcNowMicroseconds());
        await using var reader = await command.ReaderAsync(cancellationToken);

        var userExists = await reader.ReadAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        var profile = await reader.ReadAsync(cancellationToken) ? ProfileRows.Read(_sql, reader) : null;
        await reader.NextResultAsync(cancellationToken);
        var newestFirst = new List<Message>(budget.MaxMessages + 1);
        while (await reader.ReadAsync(cancellationToken))
        {
            newestFirst.Add(MessageRows.Read(_sql, reader));
        }
        await reader.NextResultAsync(cancellationToken);
        var insights = new List<Insight>(budget.MaxInsights);
        while (await reader.ReadAsync(cancellationToken))
        {
            insights.Add(InsightStore.Read(_sql, reader));
        }
        await reader.NextResultAsync(cancellationToken);
        var participation = await reader.ReadAsync(cancellationToken) ? ParticipantRows.Read(_sql, reader) : null;
        if (!userExists && participation is null)
        {
            return null;
        }

        var (messages, truncated) = FitBudget(newestFirst, budget);
        // A user without a stored profile gets the defaults, without writing one on a read path.
        profile ??= MemoryProfile.FromDefaults(userId, defaults, timeProvider.GetUtcNowMicroseconds());
        return new AssembledContext
        {
            UserId = userId,
            Profile = profile,
            Summary = profile.MemorySummary,
            Messages = messages,
            Insights = insights,
            Campaign = participation,
            Truncated = truncated,
        };
    }

    /// <summary>The newest messages that fit both budgets, oldest first; truncated when any older one was left out.</summary>
    internal static (List<Message> Messages, bool Truncated) FitBudget(List<Message> newestFirst, ContextBudget budget)
    {
        var kept = new List<Message>(Math.Min(newestFirst.Count, budget.MaxMessages));
        var chars = 0;
        foreach (var message in newestFirst)
        {
            if (kept.Count == budget.MaxMessages || chars + message.Content.Length > budget.MaxChars)
            {
                break;
            }
            chars += message.Content.Length;
            kept.Add(message);
        }
        kept.Reverse();
        return (kept, kept.Count < newestFirst.Count);
    }
}
