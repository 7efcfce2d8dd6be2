using System.ComponentModel.DataAnnotations;
using Mnemo.Validation;

namespace Mnemo.Insights;

/// <summary>Something learned about a user, filed under a topic and subtopic (seed 002).</summary>
public sealed record Insight
{
    /// <summary>The insight's id (UUIDv7).</summary>
    public required Guid Id { get; init; }

    /// <summary>The user the insight is about.</summary>
    public required string UserId { get; init; }

    /// <summary>Topic, e.g. <c>travel</c>.</summary>
    public required string Topic { get; init; }

    /// <summary>Subtopic, e.g. <c>destinations</c>.</summary>
    public string? Subtopic { get; init; }

    /// <summary>What was learned.</summary>
    public required string Content { get; init; }

    /// <summary>How sure, from 0 to 1.</summary>
    public double? Confidence { get; init; }

    /// <summary>Where it came from.</summary>
    public string? Source { get; init; }

    /// <summary>When it was recorded.</summary>
    public required DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A topic, how many insights it holds, and its subtopics.</summary>
public sealed record TopicSummary
{
    /// <summary>The topic.</summary>
    public required string Topic { get; init; }

    /// <summary>Insights under it.</summary>
    public required long Count { get; init; }

    /// <summary>Its subtopics, by name.</summary>
    public required IReadOnlyList<SubtopicSummary> Subtopics { get; init; }
}

/// <summary>A subtopic and how many insights it holds.</summary>
public sealed record SubtopicSummary(string Subtopic, long Count);

/// <summary>Body of <c>POST /api/v1/insights/{user_id}</c>.</summary>
public sealed record CreateInsightRequest : IValidatable
{
    /// <summary>The new topic; unchanged when null.</summary>
    [Required]
    [StringLength(Limits.MaxShortText, MinimumLength = 1)]
    public string? Topic { get; init; }

    /// <summary>The new subtopic; unchanged when null.</summary>
    [StringLength(Limits.MaxShortText)]
    public string? Subtopic { get; init; }

    /// <summary>What was learned.</summary>
    [Required]
    [MinLength(1)]
    public string? Content { get; init; }

    /// <summary>How sure, from 0 to 1.</summary>
    [Range(0d, 1d)]
    public double? Confidence { get; init; }

    /// <summary>Where it came from.</summary>
    [StringLength(Limits.MaxShortText)]
    public string? Source { get; init; }

    /// <inheritdoc />
    public void Validate(ValidationErrors errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        Limits.CheckShortText(Topic, "topic", errors, required: true);
        Limits.CheckShortText(Subtopic, "subtopic", errors);
        Limits.CheckShortText(Source, "source", errors);
        if (string.IsNullOrWhiteSpace(Content))
        {
            errors.Add("content", "is required");
        }
        else if (System.Text.Encoding.UTF8.GetByteCount(Content) > Limits.MaxContentBytes)
        {
            errors.Add("content", $"must be at most {Limits.MaxContentBytes} bytes");
        }
        if (Confidence is < 0 or > 1 || (Confidence is { } value && double.IsNaN(value)))
        {
            errors.Add("confidence", "must be between 0 and 1");
        }
    }
}

/// <summary>A user's insights.</summary>
public sealed record InsightListResponse
{
    /// <summary>Newest first.</summary>
    public required IReadOnlyList<Insight> Insights { get; init; }
}

/// <summary>A user's topics.</summary>
public sealed record TopicListResponse
{
    /// <summary>By topic name.</summary>
    public required IReadOnlyList<TopicSummary> Topics { get; init; }
}
