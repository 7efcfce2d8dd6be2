namespace Mnemo.Server.Problems;

/// <summary>Stops a request with a problem answer; thrown where returning a result is not possible (binding, filters).</summary>
public sealed class ApiProblemException(int status, string code, string title, string? detail = null, IDictionary<string, string[]>? errors = null)
    : Exception(detail ?? title)
{
    /// <summary>HTTP status.</summary>
    public int Status { get; } = status;

    /// <summary>Stable problem code.</summary>
    public string Code { get; } = code;

    /// <summary>Short summary.</summary>
    public string Title { get; } = title;

    /// <summary>What went wrong this time.</summary>
    public string? Detail { get; } = detail;

    /// <summary>Bad fields, when there are any.</summary>
    public IDictionary<string, string[]>? Errors { get; } = errors;
}
