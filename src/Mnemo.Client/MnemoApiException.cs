using System.Net;
using Mnemo.Problems;

namespace Mnemo.Client;

/// <summary>Mnemo answered with an error; <see cref="Problem"/> holds its problem details.</summary>
public sealed class MnemoApiException : Exception
{
    /// <summary>Creates the exception for a problem answer.</summary>
    public MnemoApiException(HttpStatusCode statusCode, ProblemResponse? problem)
        : base($"Mnemo answered {(int)statusCode} {problem?.Code}: {problem?.Detail ?? problem?.Title}")
    {
        StatusCode = statusCode;
        Problem = problem;
    }

    /// <summary>The HTTP status.</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The problem details, when the answer had them.</summary>
    public ProblemResponse? Problem { get; }

    /// <summary>The stable problem code, e.g. <c>not_found</c>.</summary>
    public string? Code => Problem?.Code;
}
