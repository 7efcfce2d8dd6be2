using System.Net;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Mnemo.Problems;
using Mnemo.Server.Hosting;
using Mnemo.Server.Problems;
using Mnemo.Tenants;
using Mnemo.Validation;

namespace Mnemo.Server.Access;

/// <summary>
/// Decides the requirements of <see cref="AccessPolicies"/> from the principal and the endpoint.
/// A tenant requirement that is met leaves the request's <see cref="TenantScope"/>, which is the
/// only way a handler learns its tenant. A refusal carries the problem to answer with
/// (<see cref="AccessDenied"/>); an anonymous caller is simply not met, which ASP.NET turns into a
/// challenge (401).
/// </summary>
public sealed class AccessHandler(ITenantStore tenants, IOptions<MnemoOptions> options) : IAuthorizationHandler
{
    /// <inheritdoc />
    public async Task HandleAsync(AuthorizationHandlerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.Resource as HttpContext;
        var caller = context.User.CallerOf();
        foreach (var requirement in context.PendingRequirements.ToList())
        {
            if (requirement is not (PlatformAccess or CallerAccess or TenantCallerAccess or MetricsAccess or TenantAccess or RegistryReadAccess or NoAccess))
            {
                continue; // Another handler's to decide.
            }
            if (http is not null && ((requirement is MetricsAccess && OpenMetrics(http)) || (requirement is NoAccess && RoutingAnswers(http))))
            {
                context.Succeed(requirement);
                continue;
            }
            if (caller is null || http is null || requirement is NoAccess)
            {
                context.Fail();
                return;
            }
            try
            {
                switch (requirement)
                {
                    case PlatformAccess or MetricsAccess when !caller.IsPlatform:
                        throw Forbidden(ProblemCodes.PlatformKeyRequired, "Only the platform admin key may do this.");
                    case CallerAccess:
                        RequireActiveTenant(caller, caller.TenantId);
                        break;
                    case TenantAccess tenant:
                        http.Features.Set(await ScopeAsync(http, caller, tenant.Scope));
                        break;
                    case TenantCallerAccess:
                        http.Features.Set(new TenantScope { TenantId = await TenantOfAsync(http, caller), Caller = caller });
                        break;
                    case RegistryReadAccess:
                        // The platform key alone sees the whole registry; naming a tenant, it sees as the tenant would.
                        http.Features.Set(caller.IsPlatform && !http.Request.Headers.ContainsKey(AccessPolicies.TenantHeader)
                            ? new RegistryView(TenantId: null)
                            : new RegistryView((await ScopeAsync(http, caller, Mnemo.ApiKeys.ApiKeyScopes.Read)).TenantId));
                        break;
                    default: // Platform or metrics, for a platform key.
                        break;
                }
                context.Succeed(requirement);
            }
            catch (ApiProblemException problem)
            {
                context.Fail(new AccessDenied(this, problem));
                return;
            }
        }
    }

    /// <summary>The tenant scope of a request to an endpoint that requires <paramref name="scope"/>; throws the refusal.</summary>
    private async Task<TenantScope> ScopeAsync(HttpContext http, Caller caller, string scope)
    {
        if (caller.UserId is not null)
        {
            RequireOwnUser(http, caller);
        }
        var tenantId = await TenantOfAsync(http, caller);
        if (!caller.HasScope(scope))
        {
            throw Forbidden(ProblemCodes.InsufficientScope, $"This key lacks the '{scope}' scope.");
        }
        if (http.Request.RouteValues.TryGetValue("user_id", out var value) && value is string userId && !Identifiers.IsUserId(userId))
        {
            throw ApiProblems.InvalidField("user_id", Identifiers.UserIdRule);
        }
        return new TenantScope { TenantId = tenantId, Caller = caller };
    }

    /// <summary>The active tenant the request acts for: its key's, or the one a platform key names; throws the refusal.</summary>
    private async Task<string> TenantOfAsync(HttpContext http, Caller caller)
    {
        var tenantId = TenantResolution.Resolve(http, caller);
        RequireActiveTenant(caller, tenantId);
        // A tenant key proves its tenant exists; a platform key may name any id.
        if (caller.IsPlatform && await tenants.GetAsync(tenantId, http.RequestAborted) is null)
        {
            throw new ApiProblemException(StatusCodes.Status404NotFound, ProblemCodes.NotFound, "Not found", $"Tenant '{tenantId}' does not exist.");
        }
        return tenantId;
    }

    /// <summary>
    /// An end-user token (seed 004) reaches only endpoints marked <see cref="UserTokenAccess"/>,
    /// and there only the user its token names.
    /// </summary>
    private static void RequireOwnUser(HttpContext http, Caller caller)
    {
        var routeUser = http.Request.RouteValues.TryGetValue("user_id", out var value) ? value as string : null;
        if (routeUser is not null && routeUser != caller.UserId)
        {
            throw Forbidden(ProblemCodes.UserForbidden, "A user token reads only its own user.");
        }
        if (routeUser is null || http.GetEndpoint()?.Metadata.GetMetadata<UserTokenAccess>() is null)
        {
            throw Forbidden(ProblemCodes.UserForbidden, "A user token reads its own conversations, messages, profiles, context and export; nothing else.");
        }
    }

    private static void RequireActiveTenant(Caller caller, string? tenantId)
    {
        if (!caller.IsPlatform && caller.TenantStatus == TenantStatus.Suspended)
        {
            throw Forbidden(ProblemCodes.TenantSuspended, $"Tenant '{tenantId}' is suspended.");
        }
    }

    /// <summary>
    /// No endpoint of ours runs: routing found none (404 follows) or found the path under another
    /// method and answers 405 itself, with an endpoint that is not a route and carries no metadata.
    /// </summary>
    private static bool RoutingAnswers(HttpContext http) =>
        http.GetEndpoint() is not { } endpoint || (endpoint is not RouteEndpoint && endpoint.Metadata.Count == 0);

    private bool OpenMetrics(HttpContext http) =>
        options.Value.Metrics.OpenOnLoopback && http.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote);

    private static ApiProblemException Forbidden(string code, string detail) =>
        new(StatusCodes.Status403Forbidden, code, "Forbidden", detail);
}

/// <summary>Why a requirement was refused: the problem the caller is answered with.</summary>
public sealed class AccessDenied(IAuthorizationHandler handler, ApiProblemException problem) : AuthorizationFailureReason(handler, problem?.Message ?? string.Empty)
{
    /// <summary>The answer.</summary>
    public ApiProblemException Problem { get; } = problem!;
}
