using System.Text.Json;

namespace Mnemo.Extensions;

/// <summary>A user's extension (seed 002's user extensions).</summary>
public sealed record UserExtension
{
    /// <summary>The extension's id (UUIDv7).</summary>
    public required Guid Id { get; init; }

    /// <summary>The user it belongs to.</summary>
    public required string UserId { get; init; }

    /// <summary>Display name.</summary>
    public required string Name { get; init; }

    /// <summary>What kind of extension (the caller's vocabulary).</summary>
    public required string Type { get; init; }

    /// <summary>Its configuration (a JSON object).</summary>
    public required JsonElement Config { get; init; }

    /// <summary>Whether it is on.</summary>
    public required bool Enabled { get; init; }

    /// <summary>Free-form JSON object.</summary>
    public required JsonElement Metadata { get; init; }

    /// <summary>The weighted mean of its practicality factors (weights from the tenant's registry); null without factors.</summary>
    public double? Practicality { get; init; }

    /// <summary>Creation time.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Last change.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>One recorded value of one of an extension's metrics.</summary>
public sealed record MetricPoint
{
    /// <summary>The metric.</summary>
    public required string Name { get; init; }

    /// <summary>The value.</summary>
    public required double Value { get; init; }

    /// <summary>When it was recorded.</summary>
    public required DateTimeOffset RecordedAt { get; init; }
}

/// <summary>Values of a metric aggregated over a span: a bucket, or the whole range asked for.</summary>
public sealed record MetricAggregate
{
    /// <summary>The metric.</summary>
    public required string Name { get; init; }

    /// <summary>Where the bucket starts; absent for the whole range.</summary>
    public DateTimeOffset? BucketStart { get; init; }

    /// <summary>How many values.</summary>
    public required long Count { get; init; }

    /// <summary>Their sum.</summary>
    public required double Sum { get; init; }

    /// <summary>The smallest.</summary>
    public required double Min { get; init; }

    /// <summary>The largest.</summary>
    public required double Max { get; init; }

    /// <summary>The latest recorded.</summary>
    public required double Last { get; init; }
}

/// <summary><c>GET …/metrics</c>: the points (or, with <c>bucket</c>, the buckets) and a summary per metric.</summary>
public sealed record MetricsResponse
{
    /// <summary>The points in the range, oldest first (absent with <c>bucket</c>).</summary>
    public IReadOnlyList<MetricPoint>? Points { get; init; }

    /// <summary>Per metric and bucket, oldest first (only with <c>bucket</c>).</summary>
    public IReadOnlyList<MetricAggregate>? Buckets { get; init; }

    /// <summary>Per metric over the whole range.</summary>
    public required IReadOnlyList<MetricAggregate> Summary { get; init; }
}

/// <summary>An extension's practicality factors and their weighted mean.</summary>
public sealed record ExtensionFactorsResponse
{
    /// <summary>The extension.</summary>
    public required Guid ExtensionId { get; init; }

    /// <summary>Factor id to value, each within its factor's range.</summary>
    public required IReadOnlyDictionary<string, double> Factors { get; init; }

    /// <summary>Σ weight × value / Σ weight over the factors (weights from the registry); null without factors or weight.</summary>
    public double? Practicality { get; init; }
}

/// <summary>A page of a user's extensions.</summary>
public sealed record ExtensionListResponse
{
    /// <summary>The extensions, oldest first.</summary>
    public required IReadOnlyList<UserExtension> Extensions { get; init; }

    /// <summary>The cursor of the next page; null on the last.</summary>
    public string? NextCursor { get; init; }
}

/// <summary>What recording metrics stored.</summary>
public sealed record RecordedMetricsResponse
{
    /// <summary>The points stored.</summary>
    public required IReadOnlyList<MetricPoint> Points { get; init; }
}

/// <summary>An extension in a user's export: the extension, its practicality factors and every metric point.</summary>
public sealed record ExportedExtension
{
    /// <summary>The extension.</summary>
    public required UserExtension Extension { get; init; }

    /// <summary>Its factor values.</summary>
    public required IReadOnlyDictionary<string, double> Factors { get; init; }

    /// <summary>Its metric points, oldest first.</summary>
    public required IReadOnlyList<MetricPoint> Metrics { get; init; }
}
