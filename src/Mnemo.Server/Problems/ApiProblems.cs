using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.Problems;

namespace Mnemo.Server.Problems;

/// <summary>The problem answers endpoints return, each with its stable <c>code</c>.</summary>
public static class ApiProblems
{
    /// <summary>A problem with <paramref name="code"/>.</summary>
    public static ProblemHttpResult Create(int status, string code, string title, string? detail = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, extensions: new Dictionary<string, object?> { ["code"] = code });

    /// <summary>404 for a missing resource.</summary>
    public static ProblemHttpResult NotFound(string detail) =>
        Create(StatusCodes.Status404NotFound, ProblemCodes.NotFound, "Not found", detail);

    /// <summary>404 for a user the tenant does not have.</summary>
    public static ProblemHttpResult UserNotFound(string userId) => NotFound(UserNotFoundDetail(userId));

    /// <summary>The detail of a missing user's 404.</summary>
    public static string UserNotFoundDetail(string userId) => $"User '{userId}' does not exist.";

    /// <summary>The detail of a missing message's 404.</summary>
    public static string MessageNotFoundDetail(string userId, string messageId) => $"User '{userId}' has no message '{messageId}'.";

    /// <summary>404 for a missing resource, to throw where no result is returned (the MCP tools).</summary>
    public static ApiProblemException NotFoundError(string detail) =>
        new(StatusCodes.Status404NotFound, ProblemCodes.NotFound, "Not found", detail);

    /// <summary>404 for a campaign the tenant does not have.</summary>
    public static ProblemHttpResult CampaignNotFound(string campaignId) => NotFound($"Campaign '{campaignId}' does not exist.");

    /// <summary>409 for a resource that exists already.</summary>
    public static ProblemHttpResult Conflict(string detail) =>
        Create(StatusCodes.Status409Conflict, ProblemCodes.AlreadyExists, "Already exists", detail);

    /// <summary>400 <c>invalid_cursor</c>: the cursor is not one a list of this server gave out.</summary>
    public static ApiProblemException InvalidCursor(string field = "cursor") =>
        new(StatusCodes.Status400BadRequest, ProblemCodes.InvalidCursor, "Invalid cursor", "Send back a cursor exactly as a list gave it, or none.",
            new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = ["is not a cursor this server issued"] });

    /// <summary>400 for one invalid field that is not part of a body (a path or query value).</summary>
    public static ApiProblemException InvalidField(string field, string message) =>
        new(StatusCodes.Status400BadRequest, ProblemCodes.ValidationFailed, "Invalid request", "One or more fields are invalid.",
            new Dictionary<string, string[]>(StringComparer.Ordinal) { [field] = [message] });

    /// <summary>404 <c>category_not_found</c>: a category the body names does not exist.</summary>
    public static ProblemHttpResult CategoryNotFound(string field, string categoryId) =>
        Create(StatusCodes.Status404NotFound, ProblemCodes.CategoryNotFound, "Category not found", $"The {field} '{categoryId}' names no category of this tenant.");
}
