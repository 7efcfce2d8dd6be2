using System.Data.Common;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Mnemo.Campaigns;
using Mnemo.Messages;
using Mnemo.Problems;
using Mnemo.Storage;
using Mnemo.Users;
using Mnemo.Validation;

namespace Mnemo.Server.Problems;

/// <summary>
/// Turns every failure into RFC 9457 problem details with a stable <c>code</c>: what the caller
/// caused is a 4xx that says what to fix, a store outage is a 503, and only Mnemo's own faults
/// are a 500, logged with the details that never go on the wire.
/// </summary>
public static partial class ProblemHandling
{
    /// <summary>Registers problem details and the code every problem carries.</summary>
    public static IServiceCollection AddMnemoProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            problem.Extensions.TryAdd("code", CodeForStatus(problem.Status ?? context.HttpContext.Response.StatusCode));
        });
        services.AddExceptionHandler<MnemoExceptionHandler>();
        return services;
    }

    /// <summary>The code for a status whose problem was made without one (404 from routing, 405, ...).</summary>
    public static string CodeForStatus(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => ProblemCodes.MissingCredentials,
        StatusCodes.Status404NotFound => ProblemCodes.NotFound,
        StatusCodes.Status405MethodNotAllowed => ProblemCodes.MethodNotAllowed,
        StatusCodes.Status413PayloadTooLarge => ProblemCodes.PayloadTooLarge,
        StatusCodes.Status415UnsupportedMediaType => ProblemCodes.UnsupportedMediaType,
        StatusCodes.Status503ServiceUnavailable => ProblemCodes.StoreUnavailable,
        StatusCodes.Status504GatewayTimeout => ProblemCodes.RequestTimeout,
        >= 500 => ProblemCodes.InternalError,
        _ => ProblemCodes.BadRequest,
    };

    /// <summary>
    /// The problem a failure is answered with (the HTTP API's, and the MCP tools' errors carry the
    /// same status and code); a 500 for anything Mnemo did not foresee.
    /// </summary>
    public static ProblemDetails Describe(Exception exception, SqlDialect dialect) => exception switch
    {
        ApiProblemException api => Problem(api.Status, api.Code, api.Title, api.Detail, api.Errors),
        RequestValidationException validation => Problem(400, ProblemCodes.ValidationFailed, "Invalid request",
            "One or more fields are invalid.", validation.Errors),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => Problem(413, ProblemCodes.PayloadTooLarge,
            "Payload too large", "The request body is larger than the server accepts."),
        BadHttpRequestException { InnerException: JsonException } => Problem(400, ProblemCodes.MalformedJson,
            "Malformed JSON", "The request body is not valid JSON."),
        BadHttpRequestException badRequest => Problem(badRequest.StatusCode, ProblemCodes.BadRequest, "Bad request", badRequest.Message),
        JsonException => Problem(400, ProblemCodes.MalformedJson, "Malformed JSON", "The request body is not valid JSON."),
        Mnemo.Placement.TenantMovingException moving => Problem(503, ProblemCodes.TenantMoving, "Tenant moving", moving.Message),
        CampaignNotFoundException campaign => Problem(404, ProblemCodes.NotFound, "Not found", campaign.Message),
        ConversationNotFoundException missing => Problem(404, ProblemCodes.NotFound, "Not found", missing.Message),
        UserIdCollisionException collision => Problem(409, ProblemCodes.IdentityCollision, "Identity collision", collision.Message),
        DbException db when dialect.IsForeignKeyViolation(db) => Problem(409, ProblemCodes.ConcurrentChange, "Concurrent change",
            "Something this request refers to changed or went away while it ran; read it again and retry."),
        DbException db when dialect.IsUnavailable(db) => Problem(503, ProblemCodes.StoreUnavailable, "Store unavailable",
            "The database cannot be reached; retry shortly."),
        Recall.SemanticSearchUnavailableException { State: "off" } => Problem(400, ProblemCodes.SemanticSearchOff, "Semantic search is off",
            "This server runs without an embedding model (Mnemo__Embeddings__Provider=none); use mode=keyword."),
        Recall.SemanticSearchUnavailableException unavailable => Problem(503, ProblemCodes.SemanticUnavailable, "Semantic search unavailable",
            unavailable.State == "failed"
                ? "The embedding model failed to load (the server log says why); use mode=keyword."
                : $"The embedding model is {unavailable.State}; retry shortly, or use mode=keyword."),
        TimeoutException => Problem(503, ProblemCodes.StoreUnavailable, "Store unavailable", "The database did not answer in time; retry shortly."),
        _ => Problem(500, ProblemCodes.InternalError, "Internal error", "Mnemo failed to handle the request; the server log has the details."),
    };

    private static ProblemDetails Problem(int status, string code, string title, string? detail, IDictionary<string, string[]>? errors = null)
    {
        var problem = errors is null
            ? new ProblemDetails()
            : new HttpValidationProblemDetails(errors);
        problem.Status = status;
        problem.Title = title;
        problem.Detail = detail;
        problem.Extensions["code"] = code;
        return problem;
    }

    private sealed partial class MnemoExceptionHandler(IProblemDetailsService problems, MnemoDatabase database, ILogger<MnemoExceptionHandler> logger)
        : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
        {
            if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
            {
                return true; // The client went away; nobody is listening for an answer.
            }
            var problem = Describe(exception, database.Dialect);
            if (problem.Status >= 500)
            {
                if (problem.Status == StatusCodes.Status503ServiceUnavailable)
                {
                    if (exception is not (Recall.SemanticSearchUnavailableException or Mnemo.Placement.TenantMovingException))
                    {
                        LogStoreUnavailable(logger, exception, httpContext.Request.Path);
                    }
                    httpContext.Response.Headers.RetryAfter = "1";
                }
                else
                {
                    LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
                }
            }
            httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
            if (problem.Status == StatusCodes.Status401Unauthorized)
            {
                httpContext.Response.Headers.WWWAuthenticate = "Bearer";
            }
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = httpContext,
                ProblemDetails = problem,
                Exception = exception,
            });
        }

        [LoggerMessage(Level = LogLevel.Warning, Message = "Store unavailable while serving {Path}")]
        private static partial void LogStoreUnavailable(ILogger logger, Exception exception, string path);

        [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled failure in {Method} {Path}")]
        private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
    }
}
