namespace Mnemo.Problems;

/// <summary>An RFC 9457 problem as Mnemo sends it.</summary>
public sealed record ProblemResponse
{
    /// <summary>A URI naming the problem type.</summary>
    public string? Type { get; init; }

    /// <summary>Short summary.</summary>
    public string? Title { get; init; }

    /// <summary>HTTP status.</summary>
    public int? Status { get; init; }

    /// <summary>What went wrong this time.</summary>
    public string? Detail { get; init; }

    /// <summary>The stable, machine-readable code (see <see cref="ProblemCodes"/>).</summary>
    public string? Code { get; init; }

    /// <summary>Bad fields and why, for validation problems.</summary>
    public IDictionary<string, string[]>? Errors { get; init; }
}
