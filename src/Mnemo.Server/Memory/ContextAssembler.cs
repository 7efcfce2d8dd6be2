using Mnemo.Memory;
using Mnemo.Messages;
using Mnemo.Recall;
using Mnemo.Server.Recall;
using Mnemo.Server.Tenants;
using Mnemo.Validation;

namespace Mnemo.Server.Memory;

/// <summary>
/// What an assistant prompts with on every turn — profile, memory summary, insights and the most
/// recent messages within a message and character budget and, given a query, the messages that
/// best answer it — for every caller (the context endpoint, the MCP tools, and the agent
/// integrations through the typed client). Null: the tenant has no such user.
/// </summary>
public sealed class ContextAssembler(IContextReader contexts, TenantSettingsCache tenantSettings, MessageSearch search)
{
    /// <summary>Messages in a context when the caller names no budget, and at most.</summary>
    public const int DefaultMaxMessages = 20, MaxMessages = 200;

    /// <summary>Characters of messages in a context when the caller names no budget, and at most.</summary>
    public const int DefaultMaxChars = 8_000, MaxChars = 1_000_000;

    /// <summary>Relevant messages for a query when the caller names no number, and at most.</summary>
    public const int DefaultRelevant = 5, MaxRelevant = 50;

    private const int InsightsInContext = 20;

    /// <summary>The user's context within the budget; 400 (<see cref="RequestValidationException"/>) for a budget out of range.</summary>
    /// <remarks>
    /// With <paramref name="query"/>, the relevant messages may take up to half the character
    /// budget; the oldest recent messages make room for them (and <c>truncated</c> says so).
    /// </remarks>
    public async Task<AssembledContext?> ReadAsync(
        string tenantId, string userId, int? maxMessages, int? maxChars, string? query, int? relevantLimit, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (maxMessages is < 0 or > MaxMessages)
        {
            errors.Add("max_messages", $"must be between 0 and {MaxMessages}");
        }
        if (maxChars is < 0 or > MaxChars)
        {
            errors.Add("max_chars", $"must be between 0 and {MaxChars}");
        }
        if (query is not null && (string.IsNullOrWhiteSpace(query) || query.Length > 500))
        {
            errors.Add("query", "must be 1 to 500 characters");
        }
        if (relevantLimit is < 0 or > MaxRelevant)
        {
            errors.Add("relevant_limit", $"must be between 0 and {MaxRelevant}");
        }
        if (!errors.IsEmpty)
        {
            throw new RequestValidationException(errors);
        }
        var budget = new ContextBudget(maxMessages ?? DefaultMaxMessages, maxChars ?? DefaultMaxChars, InsightsInContext);
        var context = await contexts.ReadAsync(tenantId, userId, budget, await tenantSettings.ProfileDefaultsAsync(tenantId, cancellationToken), cancellationToken);
        if (context is null || query is null)
        {
            return context;
        }
        return await WithRelevantAsync(context, tenantId, userId, query, relevantLimit ?? DefaultRelevant, budget.MaxChars, cancellationToken);
    }

    private async Task<AssembledContext> WithRelevantAsync(
        AssembledContext context, string tenantId, string userId, string query, int limit, int maxChars, CancellationToken cancellationToken)
    {
        var recent = context.Messages.Select(message => message.Id).ToHashSet();
        var found = limit == 0 ? [] : (await search.SearchAsync(tenantId, userId, query, mode: null, RecallFilter.None, 0, limit + recent.Count, cancellationToken)).Results;
        var relevant = new List<SearchResult>(limit);
        var relevantChars = 0;
        foreach (var hit in found.Where(hit => !recent.Contains(hit.Message.Id)))
        {
            if (relevant.Count == limit || relevantChars + hit.Message.Content.Length > maxChars / 2)
            {
                break;
            }
            relevant.Add(hit);
            relevantChars += hit.Message.Content.Length;
        }
        // The oldest recent messages give way until both fit the budget.
        var messages = context.Messages.ToList();
        var dropped = 0;
        while (dropped < messages.Count && messages.Skip(dropped).Sum(message => message.Content.Length) + relevantChars > maxChars)
        {
            dropped++;
        }
        return context with
        {
            Messages = messages[dropped..],
            Truncated = context.Truncated || dropped > 0,
            Relevant = relevant,
        };
    }
}
