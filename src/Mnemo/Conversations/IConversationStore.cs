namespace Mnemo.Conversations;

/// <summary>Persistence of conversations. Every call names tenant and user.</summary>
public interface IConversationStore
{
    /// <summary>Inserts the conversation and its <c>conversation_started</c> event; false when the user does not exist.</summary>
    Task<bool> CreateAsync(string tenantId, Conversation conversation, CancellationToken cancellationToken);

    /// <summary>
    /// Creates the conversation unless the user has one created with <paramref name="idempotencyKey"/>:
    /// the conversation stored under the key (this one, or the earlier); null when the user is missing.
    /// </summary>
    Task<Conversation?> CreateOnceAsync(string tenantId, Conversation conversation, string idempotencyKey, CancellationToken cancellationToken);

    /// <summary>Newest first, by offset or after a cursor position; null when the user does not exist.</summary>
    Task<ConversationPage?> ListAsync(string tenantId, string userId, ConversationQuery query, CancellationToken cancellationToken);

    /// <summary>One conversation of the user, or null.</summary>
    Task<Conversation?> GetAsync(string tenantId, string userId, Guid conversationId, CancellationToken cancellationToken);

    /// <summary>Ends it and/or replaces its metadata; null when the user has no such conversation.</summary>
    Task<Conversation?> UpdateAsync(string tenantId, string userId, Guid conversationId, ConversationUpdate update, CancellationToken cancellationToken);

    /// <summary>Deletes it with its messages; the number of messages deleted, or null when there is no such conversation.</summary>
    Task<long?> DeleteAsync(string tenantId, string userId, Guid conversationId, CancellationToken cancellationToken);
}

/// <summary>Which page of conversations to read.</summary>
public sealed record ConversationQuery(int Limit, int Offset, ConversationPosition? Before);

/// <summary>A conversation's place in newest-first order.</summary>
public readonly record struct ConversationPosition(DateTimeOffset StartedAt, Guid Id);

/// <summary>A page of conversations and the user's total.</summary>
public sealed record ConversationPage(IReadOnlyList<Conversation> Conversations, long Total, bool HasMore);

/// <summary>An update: <see cref="EndedAt"/> ends the conversation; null members keep their value.</summary>
public sealed record ConversationUpdate(DateTimeOffset? EndedAt, string? MetadataJson);
