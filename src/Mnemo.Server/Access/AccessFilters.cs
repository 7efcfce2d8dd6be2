using Mnemo.ApiKeys;
using Mnemo.Problems;
using Mnemo.Server.Problems;
using Mnemo.Tenants;
using Mnemo.Validation;

namespace Mnemo.Server.Access;

/// <summary>Who may call an endpoint: metadata set once per route group.</summary>
public sealed record AccessRule(AccessKind Kind, string? Scope);

/// <summary>The kinds of <see cref="AccessRule"/>.</summary>
public enum AccessKind
{
    /// <summary>Any authenticated caller.</summary>
    AnyCaller,

    /// <summary>Platform keys only.</summary>
    Platform,

    /// <summary>A caller acting for one tenant, with a scope.</summary>
    Tenant,
}

/// <summary>
/// Access rules, set once per route group and enforced by <see cref="CallerAuthentication"/>
/// after routing and before the body is read. The tenant always comes from the key; a platform key
/// names it with <c>X-Tenant-ID</c> (or the route's <c>tenant_id</c>), and a tenant key that names
/// another tenant, in either place, is refused.
/// </summary>
public static class AccessFilters
{
    /// <summary>The header a platform key uses to act for a tenant.</summary>
    public const string TenantHeader = "X-Tenant-ID";

    /// <summary>Only a platform key may call the group.</summary>
    public static TBuilder RequirePlatform<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new AccessRule(AccessKind.Platform, null));

    /// <summary>Any authenticated caller may call the group.</summary>
    public static TBuilder RequireCaller<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new AccessRule(AccessKind.AnyCaller, null));

    /// <summary>The caller must act for one tenant with <paramref name="scope"/>; the handler receives a <see cref="TenantScope"/>.</summary>
    public static TBuilder RequireTenant<TBuilder>(this TBuilder builder, string scope)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new AccessRule(AccessKind.Tenant, scope));

    /// <summary>Enforces the endpoint's <see cref="AccessRule"/>; runs after routing, before the body is read.</summary>
    public static async Task EnforceAsync(HttpContext http, AccessRule rule, ITenantStore tenants)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(tenants);
        var caller = Authenticated(http);
        if (caller.UserId is not null)
        {
            EnforceUserToken(http, rule, caller);
        }
        switch (rule.Kind)
        {
            case AccessKind.Platform when !caller.IsPlatform:
                throw Forbidden(ProblemCodes.PlatformKeyRequired, "Only the platform admin key may do this.");
            case AccessKind.Tenant:
                var tenantId = ResolveTenant(http, caller);
                if (!caller.IsPlatform && caller.TenantStatus == TenantStatus.Suspended)
                {
                    throw Forbidden(ProblemCodes.TenantSuspended, $"Tenant '{tenantId}' is suspended.");
                }
                if (!caller.HasScope(rule.Scope!))
                {
                    throw Forbidden(ProblemCodes.InsufficientScope, $"This key lacks the '{rule.Scope}' scope.");
                }
                // A tenant key proves its tenant exists; a platform key may name any id.
                if (caller.IsPlatform && await tenants.GetAsync(tenantId, http.RequestAborted) is null)
                {
                    throw new ApiProblemException(StatusCodes.Status404NotFound, ProblemCodes.NotFound, "Not found", $"Tenant '{tenantId}' does not exist.");
                }
                RequireValidUserId(http);
                http.Features.Set(new TenantScope { TenantId = tenantId, Caller = caller });
                break;
            default:
                break;
        }
    }

    /// <summary>
    /// An end-user token (seed 004) reads its own user under <c>/api/v1/users/{own id}/</c> and
    /// asks who it is; another user's id is 403, and so is any write, admin or tenant-wide call.
    /// </summary>
    private static void EnforceUserToken(HttpContext http, AccessRule rule, Caller caller)
    {
        if (rule.Kind == AccessKind.AnyCaller)
        {
            return;
        }
        var routeUser = http.Request.RouteValues.TryGetValue("user_id", out var value) ? value as string : null;
        if (routeUser is not null && routeUser != caller.UserId)
        {
            throw Forbidden(ProblemCodes.UserForbidden, "A user token reads only its own user.");
        }
        if (rule.Kind != AccessKind.Tenant || rule.Scope != ApiKeyScopes.Read || routeUser is null
            || !http.Request.Path.StartsWithSegments("/api/v1/users", StringComparison.Ordinal))
        {
            throw Forbidden(ProblemCodes.UserForbidden, "A user token reads its own conversations, messages, profiles, context and export; nothing else.");
        }
    }

    private static void RequireValidUserId(HttpContext http)
    {
        if (http.Request.RouteValues.TryGetValue("user_id", out var value) && value is string userId && !Identifiers.IsUserId(userId))
        {
            throw ApiProblems.InvalidField("user_id", Identifiers.UserIdRule);
        }
    }

    /// <summary>The tenant the request acts on, after checking that the caller may name it.</summary>
    public static string ResolveTenant(HttpContext http, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(caller);
        var fromRoute = http.Request.RouteValues.TryGetValue("tenant_id", out var routeValue) ? routeValue as string : null;
        var fromHeader = http.Request.Headers.TryGetValue(TenantHeader, out var headerValue) ? headerValue.ToString().Trim() : null;
        if (string.IsNullOrEmpty(fromHeader))
        {
            fromHeader = null;
        }
        foreach (var named in new[] { fromRoute, fromHeader })
        {
            if (named is not null && !Identifiers.IsTenantId(named))
            {
                throw ApiProblems.InvalidField(named == fromRoute ? "tenant_id" : TenantHeader, Identifiers.TenantIdRule);
            }
        }
        if (!caller.IsPlatform)
        {
            if ((fromRoute is not null && fromRoute != caller.TenantId) || (fromHeader is not null && fromHeader != caller.TenantId))
            {
                throw Forbidden(ProblemCodes.TenantForbidden, "This key belongs to another tenant.");
            }
            return caller.TenantId!;
        }
        if (fromRoute is not null && fromHeader is not null && fromRoute != fromHeader)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, ProblemCodes.BadRequest, "Conflicting tenant",
                $"The path names tenant '{fromRoute}' but {TenantHeader} names '{fromHeader}'.");
        }
        return fromRoute ?? fromHeader ?? throw new ApiProblemException(StatusCodes.Status400BadRequest, ProblemCodes.TenantRequired,
            "Tenant required", $"A platform key must name the tenant with the {TenantHeader} header.");
    }

    /// <summary>The caller, or a 401 when there is none.</summary>
    public static Caller Authenticated(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var feature = http.Features.Get<CallerFeature>();
        if (feature?.Caller is { } caller)
        {
            return caller;
        }
        throw feature is { CredentialsRejected: true }
            ? new ApiProblemException(StatusCodes.Status401Unauthorized, ProblemCodes.InvalidCredentials, "Unauthorized", "The API key is not valid.")
            : new ApiProblemException(StatusCodes.Status401Unauthorized, ProblemCodes.MissingCredentials, "Unauthorized",
                "Send an API key as X-API-Key or Authorization: Bearer.");
    }

    private static ApiProblemException Forbidden(string code, string detail) =>
        new(StatusCodes.Status403Forbidden, code, "Forbidden", detail);
}
