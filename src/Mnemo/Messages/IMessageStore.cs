namespace Mnemo.Messages;

/// <summary>Persistence of messages (seed 001's ConversationStore). Every call names tenant and user.</summary>
public interface IMessageStore
{
    /// <summary>
    /// Appends in one transaction, creating the user when missing. Messages whose idempotency key
    /// was seen before come back as first stored, not again.
    /// </summary>
    Task<AppendResult> AppendAsync(string tenantId, string userId, IReadOnlyList<NewMessage> messages, CancellationToken cancellationToken);

    /// <summary>
    /// Appends a campaign participant's messages (they carry the campaign), creating or refreshing
    /// the participant and never a system user; <see cref="Campaigns.CampaignNotFoundException"/> when the campaign does not exist.
    /// </summary>
    Task<AppendResult> AppendForParticipantAsync(
        string tenantId, string campaignId, string userId, IReadOnlyList<NewMessage> messages, int tenantTtlDays, CancellationToken cancellationToken);

    /// <summary>A page of the user's history in chronological order; null when the user does not exist.</summary>
    Task<MessagePage?> ListAsync(string tenantId, string userId, MessageQuery query, CancellationToken cancellationToken);

    /// <summary>One message of the user, or null.</summary>
    Task<Message?> GetAsync(string tenantId, string userId, Guid messageId, CancellationToken cancellationToken);

    /// <summary>Edits one message; null when the user has no such message.</summary>
    Task<Message?> EditAsync(string tenantId, string userId, Guid messageId, MessageEdit edit, CancellationToken cancellationToken);

    /// <summary>Deletes one message; false when the user has no such message.</summary>
    Task<bool> DeleteAsync(string tenantId, string userId, Guid messageId, CancellationToken cancellationToken);

    /// <summary>Deletes all the user's messages; null when the user does not exist.</summary>
    Task<long?> DeleteAllAsync(string tenantId, string userId, CancellationToken cancellationToken);

    /// <summary>True when the user has more than <paramref name="count"/> messages (an index seek, not a count).</summary>
    Task<bool> HasMoreThanAsync(string tenantId, string userId, int count, CancellationToken cancellationToken);

    /// <summary>How many messages the user has; null when the user does not exist.</summary>
    Task<long?> CountAsync(string tenantId, string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Keyword search in the tenant, or in one user's messages: ranked by relevance, any word of
    /// <paramref name="query"/> matching, within <paramref name="filter"/>.
    /// </summary>
    Task<IReadOnlyList<SearchHit>> SearchAsync(
        string tenantId, string? userId, string query, Recall.RecallFilter filter, int limit, int offset, CancellationToken cancellationToken);

    /// <summary>
    /// Snippets of the messages numbered <paramref name="seqs"/> with the words of
    /// <paramref name="query"/> marked (<c>&lt;mark&gt;</c>), by seq; a message that no longer
    /// matches has none. Made for a page of results only: they cost more than the ranking.
    /// </summary>
    Task<IReadOnlyDictionary<long, string>> SnippetsAsync(string tenantId, string query, IReadOnlyCollection<long> seqs, CancellationToken cancellationToken);

    /// <summary>Every message of the user in chronological order, read in batches (export).</summary>
    IAsyncEnumerable<Message> StreamAsync(string tenantId, string userId, CancellationToken cancellationToken);
}

/// <summary>A message to append.</summary>
public sealed record NewMessage
{
    /// <summary>The role.</summary>
    public required string Role { get; init; }

    /// <summary>The content.</summary>
    public required string Content { get; init; }

    /// <summary>JSON object text.</summary>
    public string MetadataJson { get; init; } = "{}";

    /// <summary>Labels stored with the message.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>The conversation, which must be the user's.</summary>
    public Guid? ConversationId { get; init; }

    /// <summary>The campaign, for a participant's message.</summary>
    public string? CampaignId { get; init; }

    /// <summary>Retry key.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>When it was said, for imports; otherwise the time of the append.</summary>
    public DateTimeOffset? CreatedAt { get; init; }
}

/// <summary>What an append stored: every message in request order, and whether any was new.</summary>
public sealed record AppendResult(IReadOnlyList<Message> Messages, bool AnyNew, bool UserCreated);

/// <summary>Which page of history to read.</summary>
public sealed record MessageQuery
{
    /// <summary>Page size.</summary>
    public required int Limit { get; init; }

    /// <summary>Only messages older than this position.</summary>
    public MessagePosition? Before { get; init; }

    /// <summary>Only messages newer than this position (pages forward).</summary>
    public MessagePosition? After { get; init; }

    /// <summary>Without <see cref="After"/>: the oldest page instead of the newest.</summary>
    public bool OldestFirst { get; init; }

    /// <summary>Only this conversation's messages.</summary>
    public Guid? ConversationId { get; init; }

    /// <summary>Only this role.</summary>
    public string? Role { get; init; }

    /// <summary>Only this campaign's messages (campaign participants).</summary>
    public string? CampaignId { get; init; }
}

/// <summary>A place in a user's history: the order key of a message.</summary>
public readonly record struct MessagePosition(DateTimeOffset CreatedAt, long Seq);

/// <summary>A page of messages, oldest first, and whether more lie in the direction read.</summary>
public sealed record MessagePage(IReadOnlyList<Message> Messages, bool HasMore);

/// <summary>An edit: null members keep their value.</summary>
public sealed record MessageEdit(string? Content, string? MetadataJson, IReadOnlyList<string>? Tags, DateTimeOffset EditedAt);

/// <summary>
/// A keyword search result: the message, its relevance (higher is better), and its snippet where
/// the store made one along with the ranking at no cost (else null: <see cref="IMessageStore.SnippetsAsync"/>).
/// </summary>
public sealed record SearchHit(Message Message, double Rank, string? Snippet = null);

/// <summary>A message names a conversation the user does not have.</summary>
public sealed class ConversationNotFoundException(Guid conversationId)
    : Exception($"Conversation '{conversationId}' does not exist for this user.")
{
    /// <summary>The missing conversation.</summary>
    public Guid ConversationId { get; } = conversationId;
}
