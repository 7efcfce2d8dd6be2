namespace Mnemo.Extensions;

/// <summary>A change to an extension's fields; null fields stay.</summary>
public sealed record ExtensionChange(string? Name, string? Type, string? ConfigJson, bool? Enabled, string? MetadataJson, DateTimeOffset Now);

/// <summary>Persistence of user extensions, their metrics and their practicality factors.</summary>
public interface IExtensionStore
{
    /// <summary>Inserts; false when the user does not exist.</summary>
    Task<bool> CreateAsync(string tenantId, UserExtension extension, CancellationToken cancellationToken);

    /// <summary>The extension (with its practicality), or null.</summary>
    Task<UserExtension?> GetAsync(string tenantId, string userId, Guid extensionId, CancellationToken cancellationToken);

    /// <summary>The user's extensions, oldest first after <paramref name="after"/>; null when the user does not exist.</summary>
    Task<IReadOnlyList<UserExtension>?> ListAsync(string tenantId, string userId, Guid? after, int limit, CancellationToken cancellationToken);

    /// <summary>Changes the fields given; null when missing.</summary>
    Task<UserExtension?> UpdateAsync(string tenantId, string userId, Guid extensionId, ExtensionChange change, CancellationToken cancellationToken);

    /// <summary>Deletes it with its metrics, factors and category assignments; false when missing.</summary>
    Task<bool> DeleteAsync(string tenantId, string userId, Guid extensionId, CancellationToken cancellationToken);

    /// <summary>Stores the points; false when the extension is missing.</summary>
    Task<bool> RecordAsync(string tenantId, string userId, Guid extensionId, IReadOnlyList<MetricPoint> points, CancellationToken cancellationToken);

    /// <summary>
    /// The points of <paramref name="name"/> (all metrics when null) recorded in [<paramref name="since"/>, <paramref name="until"/>),
    /// oldest first, at most <paramref name="limit"/>; null when the extension is missing.
    /// </summary>
    Task<IReadOnlyList<MetricPoint>?> PointsAsync(
        string tenantId, string userId, Guid extensionId, string? name, DateTimeOffset? since, DateTimeOffset? until, int limit, CancellationToken cancellationToken);

    /// <summary>Every point of the extension, oldest first, read a page at a time (the export: memory stays flat however many there are).</summary>
    IAsyncEnumerable<MetricPoint> StreamPointsAsync(string tenantId, Guid extensionId, CancellationToken cancellationToken);

    /// <summary>Replaces the extension's factor values; false when the extension is missing.</summary>
    Task<bool> SetFactorsAsync(string tenantId, string userId, Guid extensionId, IReadOnlyDictionary<string, double> factors, CancellationToken cancellationToken);

    /// <summary>The extension's factor values and their weighted mean; null when the extension is missing.</summary>
    Task<ExtensionFactorsResponse?> GetFactorsAsync(string tenantId, string userId, Guid extensionId, CancellationToken cancellationToken);
}
