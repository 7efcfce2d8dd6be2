using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.Access;

namespace Mnemo.Server.Access;

/// <summary><c>GET /api/v1/me</c>: tells any caller who it is.</summary>
public static class MeEndpoints
{
    /// <summary>Maps <c>/api/v1/me</c>.</summary>
    public static RouteHandlerBuilder MapMe(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/v1/me", GetMe).WithTags("Access").RequireCaller();

    private static Ok<MeResponse> GetMe(HttpContext http)
    {
        var caller = http.User.CallerOf() ?? throw new InvalidOperationException("The caller policy admits only authenticated callers.");
        string? tenantId = caller.TenantId;
        if (caller.IsPlatform)
        {
            tenantId = http.Request.Headers.ContainsKey(AccessPolicies.TenantHeader) ? TenantResolution.Resolve(http, caller) : null;
        }
        else
        {
            // A tenant key naming another tenant is refused here as everywhere else.
            TenantResolution.Resolve(http, caller);
        }
        return TypedResults.Ok(new MeResponse
        {
            TenantId = tenantId,
            KeyId = caller.KeyId,
            UserId = caller.UserId,
            Scopes = caller.Scopes,
            Platform = caller.IsPlatform,
        });
    }
}
