namespace Mnemo.Insights;

/// <summary>Persistence of insights.</summary>
public interface IInsightStore
{
    /// <summary>Stores the insight; false when its user does not exist.</summary>
    Task<bool> CreateAsync(string tenantId, Insight insight, CancellationToken cancellationToken);

    /// <summary>The user's insights, newest first, optionally of one topic; null when the user does not exist.</summary>
    Task<IReadOnlyList<Insight>?> ListAsync(string tenantId, string userId, string? topic, int limit, CancellationToken cancellationToken);

    /// <summary>The user's topics with their subtopics and counts; null when the user does not exist.</summary>
    Task<IReadOnlyList<TopicSummary>?> TopicsAsync(string tenantId, string userId, CancellationToken cancellationToken);

    /// <summary>Deletes one; false when the user has no such insight.</summary>
    Task<bool> DeleteAsync(string tenantId, string userId, Guid insightId, CancellationToken cancellationToken);
}
