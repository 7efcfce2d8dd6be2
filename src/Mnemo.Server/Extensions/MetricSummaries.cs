using Mnemo.Extensions;

namespace Mnemo.Server.Extensions;

/// <summary>An extension's metric points summed up per metric, over the whole range or per hour or day.</summary>
public static class MetricSummaries
{
    /// <summary>The bucket widths a read may ask for.</summary>
    public static readonly IReadOnlyDictionary<string, TimeSpan> Buckets = new Dictionary<string, TimeSpan>(StringComparer.Ordinal)
    {
        ["hour"] = TimeSpan.FromHours(1),
        ["day"] = TimeSpan.FromDays(1),
    };

    /// <summary>Per metric (by name) over all of <paramref name="points"/> (oldest first).</summary>
    public static IReadOnlyList<MetricAggregate> Summary(IReadOnlyList<MetricPoint> points) =>
        [.. points.GroupBy(point => point.Name, StringComparer.Ordinal).OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => Aggregate(group.Key, bucketStart: null, [.. group]))];

    /// <summary>Per metric and UTC-aligned bucket of <paramref name="width"/>, oldest bucket first.</summary>
    public static IReadOnlyList<MetricAggregate> Bucketed(IReadOnlyList<MetricPoint> points, TimeSpan width) =>
        [.. points.GroupBy(point => (point.Name, Start: BucketStart(point.RecordedAt, width)))
            .OrderBy(group => group.Key.Start).ThenBy(group => group.Key.Name, StringComparer.Ordinal)
            .Select(group => Aggregate(group.Key.Name, group.Key.Start, [.. group]))];

    private static DateTimeOffset BucketStart(DateTimeOffset time, TimeSpan width) =>
        new(time.UtcTicks - (time.UtcTicks % width.Ticks), TimeSpan.Zero);

    // The points are oldest first, so the last is the latest recorded.
    private static MetricAggregate Aggregate(string name, DateTimeOffset? bucketStart, List<MetricPoint> points) => new()
    {
        Name = name,
        BucketStart = bucketStart,
        Count = points.Count,
        Sum = points.Sum(point => point.Value),
        Min = points.Min(point => point.Value),
        Max = points.Max(point => point.Value),
        Last = points[^1].Value,
    };
}
