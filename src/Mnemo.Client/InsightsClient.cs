using System.Globalization;
using Mnemo.Insights;
using Mnemo.Json;

namespace Mnemo.Client;

/// <summary><c>/api/v1/insights/{user_id}</c> (seed 002's user insights).</summary>
public sealed class InsightsClient
{
    private readonly MnemoClient _client;

    internal InsightsClient(MnemoClient client) => _client = client;

    /// <summary>Records an insight about a user.</summary>
    public Task<Insight> CreateAsync(string userId, CreateInsightRequest request, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Post, Path(userId), MnemoClient.Json(request, MnemoJsonContext.Default.CreateInsightRequest),
            MnemoJsonContext.Default.Insight, cancellationToken);

    /// <summary>The user's insights, newest first, optionally of one topic.</summary>
    public Task<InsightListResponse> ListAsync(string userId, string? topic = null, int? limit = null, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, MnemoClient.WithQuery(Path(userId), ("topic", topic), ("limit", limit?.ToString(CultureInfo.InvariantCulture))),
            null, MnemoJsonContext.Default.InsightListResponse, cancellationToken);

    /// <summary>The user's topics with subtopics and counts.</summary>
    public Task<TopicListResponse> TopicsAsync(string userId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Get, $"{Path(userId)}/topics", null, MnemoJsonContext.Default.TopicListResponse, cancellationToken);

    /// <summary>Deletes one insight.</summary>
    public Task DeleteAsync(string userId, Guid insightId, CancellationToken cancellationToken = default) =>
        _client.SendAsync(HttpMethod.Delete, $"{Path(userId)}/{insightId}", null, cancellationToken);

    private static string Path(string userId) => $"api/v1/insights/{Uri.EscapeDataString(userId)}";
}
