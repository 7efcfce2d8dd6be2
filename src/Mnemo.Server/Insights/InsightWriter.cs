using Mnemo.Insights;
using Mnemo.Time;

namespace Mnemo.Server.Insights;

/// <summary>Recording an insight about a user, the one way the HTTP API and the MCP tools do it.</summary>
public sealed class InsightWriter(IInsightStore insights, TimeProvider timeProvider)
{
    /// <summary>The insight stored from a checked request; null when the user does not exist.</summary>
    public async Task<Insight?> CreateAsync(string tenantId, string userId, CreateInsightRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = timeProvider.GetUtcNowMicroseconds();
        var insight = new Insight
        {
            Id = Guid.CreateVersion7(now),
            UserId = userId,
            Topic = request.Topic!,
            Subtopic = request.Subtopic,
            Content = request.Content!,
            Confidence = request.Confidence,
            Source = request.Source,
            CreatedAt = now,
        };
        return await insights.CreateAsync(tenantId, insight, cancellationToken) ? insight : null;
    }
}
