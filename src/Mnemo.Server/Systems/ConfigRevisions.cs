using System.Globalization;
using Mnemo.Problems;
using Mnemo.Server.Problems;

namespace Mnemo.Server.Systems;

/// <summary>
/// Configuration writes under optimistic concurrency: the ETag names the revision read, and a
/// write must send it back as <c>If-Match</c> (missing: 428 <c>precondition_required</c>; another
/// write came first: 412 <c>precondition_failed</c>).
/// </summary>
public static class ConfigRevisions
{
    /// <summary>The ETag of revision <paramref name="revision"/>.</summary>
    public static string ETag(long revision) => $"\"{revision.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>The revision the request's <c>If-Match</c> names; throws 428 without one, 412 for one that names no revision.</summary>
    public static long Expected(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0)
        {
            throw new ApiProblemException(StatusCodes.Status428PreconditionRequired, ProblemCodes.PreconditionRequired, "Precondition required",
                "Send If-Match with the ETag of the configuration you read (GET it first).");
        }
        var tag = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        return tag.Length > 2 && tag[0] == '"' && tag[^1] == '"'
            && long.TryParse(tag.AsSpan(1, tag.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var revision)
            ? revision
            : throw Stale();
    }

    /// <summary>412: the configuration changed since it was read.</summary>
    public static ApiProblemException Stale() =>
        new(StatusCodes.Status412PreconditionFailed, ProblemCodes.PreconditionFailed, "Precondition failed",
            "The configuration changed since it was read (or If-Match names no revision of it); read it again and reapply the change.");
}
