using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Mnemo.Problems;
using Mnemo.Server.Problems;

namespace Mnemo.Server.Access;

/// <summary>
/// Answers a refused request with Mnemo's problem details instead of ASP.NET's bare challenge
/// and forbid: 401 <c>missing_credentials</c> or <c>invalid_credentials</c>, and for a refusal
/// the problem its requirement gave (<see cref="AccessDenied"/>).
/// </summary>
public sealed class AccessResultHandler : IAuthorizationMiddlewareResultHandler
{
    /// <inheritdoc />
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Succeeded)
        {
            await next(context);
            return;
        }
        if (authorizeResult.Forbidden)
        {
            throw authorizeResult.AuthorizationFailure?.FailureReasons.OfType<AccessDenied>().FirstOrDefault()?.Problem
                ?? new ApiProblemException(StatusCodes.Status403Forbidden, ProblemCodes.Forbidden, "Forbidden", "This endpoint is not open to this caller.");
        }
        // The scheme's handler keeps its result for the request: this does not check the key again.
        throw (await context.AuthenticateAsync()).Failure is not null
            ? new ApiProblemException(StatusCodes.Status401Unauthorized, ProblemCodes.InvalidCredentials, "Unauthorized", "The key or token is not valid.")
            : new ApiProblemException(StatusCodes.Status401Unauthorized, ProblemCodes.MissingCredentials, "Unauthorized",
                "Send an API key as X-API-Key or Authorization: Bearer.");
    }
}
