using Mnemo.Problems;
using Mnemo.Server.Problems;
using Mnemo.Validation;

namespace Mnemo.Server.Access;

/// <summary>
/// Which tenant a request acts on. The tenant always comes from the key; a platform key names it
/// with <c>X-Tenant-ID</c> (or the route's <c>tenant_id</c>), and a tenant key that names
/// another tenant, in either place, is refused.
/// </summary>
public static class TenantResolution
{
    /// <summary>The tenant the request acts on, after checking that the caller may name it; throws the refusal.</summary>
    public static string Resolve(HttpContext http, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(caller);
        var fromRoute = http.Request.RouteValues.TryGetValue("tenant_id", out var routeValue) ? routeValue as string : null;
        var fromHeader = http.Request.Headers.TryGetValue(AccessPolicies.TenantHeader, out var headerValue) ? headerValue.ToString().Trim() : null;
        if (string.IsNullOrEmpty(fromHeader))
        {
            fromHeader = null;
        }
        foreach (var named in new[] { fromRoute, fromHeader })
        {
            if (named is not null && !Identifiers.IsTenantId(named))
            {
                throw ApiProblems.InvalidField(named == fromRoute ? "tenant_id" : AccessPolicies.TenantHeader, Identifiers.TenantIdRule);
            }
        }
        if (!caller.IsPlatform)
        {
            if ((fromRoute is not null && fromRoute != caller.TenantId) || (fromHeader is not null && fromHeader != caller.TenantId))
            {
                throw new ApiProblemException(StatusCodes.Status403Forbidden, ProblemCodes.TenantForbidden, "Forbidden", "This key belongs to another tenant.");
            }
            return caller.TenantId!;
        }
        if (fromRoute is not null && fromHeader is not null && fromRoute != fromHeader)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, ProblemCodes.BadRequest, "Conflicting tenant",
                $"The path names tenant '{fromRoute}' but {AccessPolicies.TenantHeader} names '{fromHeader}'.");
        }
        return fromRoute ?? fromHeader ?? throw new ApiProblemException(StatusCodes.Status400BadRequest, ProblemCodes.TenantRequired,
            "Tenant required", $"A platform key must name the tenant with the {AccessPolicies.TenantHeader} header.");
    }
}
