using Mnemo.Insights;
using Mnemo.Messages;

namespace Mnemo.Memory;

/// <summary>
/// Answer of <c>GET /api/v1/users/{user_id}/context</c>: everything an assistant prompts with
/// on a turn, in one call.
/// </summary>
public sealed record AssembledContext
{
    /// <summary>Whose context.</summary>
    public required string UserId { get; init; }

    /// <summary>The memory profile (the tenant's default when none is stored yet).</summary>
    public required MemoryProfile Profile { get; init; }

    /// <summary>The memory summary of compressed history, if any.</summary>
    public string? Summary { get; init; }

    /// <summary>The newest messages that fit both budgets, oldest first.</summary>
    public required IReadOnlyList<Message> Messages { get; init; }

    /// <summary>The newest insights.</summary>
    public required IReadOnlyList<Insight> Insights { get; init; }

    /// <summary>The user's live campaign participation (the most recently written), if any.</summary>
    public Campaigns.Participant? Campaign { get; init; }

    /// <summary>True when older messages exist that did not fit.</summary>
    public required bool Truncated { get; init; }

    /// <summary>
    /// With a <c>query</c>: the messages that best answer it (hybrid search) that are not among
    /// <see cref="Messages"/>, best first, within the same character budget; null without a query.
    /// </summary>
    public IReadOnlyList<SearchResult>? Relevant { get; init; }
}

/// <summary>How much history a context may hold.</summary>
public sealed record ContextBudget(int MaxMessages, int MaxChars, int MaxInsights);
