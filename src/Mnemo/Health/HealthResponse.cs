namespace Mnemo.Health;

/// <summary>Answer of <c>/health</c> and <c>/health/ready</c>.</summary>
public sealed record HealthResponse
{
    /// <summary><c>ok</c>, <c>degraded</c> (serving, but Redis is away) or <c>unavailable</c>.</summary>
    public required string Status { get; init; }

    /// <summary>The storage backend: <c>sqlite</c> or <c>postgres</c>.</summary>
    public string? Storage { get; init; }

    /// <summary>The newest applied migration.</summary>
    public int? SchemaVersion { get; init; }

    /// <summary>Why the server is not ready.</summary>
    public string? Detail { get; init; }
}
