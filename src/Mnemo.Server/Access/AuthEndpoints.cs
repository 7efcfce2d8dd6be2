using Microsoft.AspNetCore.Http.HttpResults;
using Mnemo.ApiKeys;
using Mnemo.Problems;
using Mnemo.Server.Json;
using Mnemo.Server.Problems;
using Mnemo.Server.Tenants;
using Mnemo.Sessions;
using Mnemo.Tenants;

namespace Mnemo.Server.Access;

/// <summary>End-user sign-in (seed 002's login, refresh, logout): opaque rotating tokens.</summary>
public static class AuthEndpoints
{
    /// <summary>Maps <c>/api/v1/auth</c>.</summary>
    public static RouteGroupBuilder MapAuth(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/auth").WithTags("Auth");
        group.MapPost("/login", LoginAsync).Accepts<LoginRequest>("application/json").RequireTenant(ApiKeyScopes.Write);
        // The session's own token is the credential: no key.
        var sessions = group.MapGroup("").AllowAnonymous()
            .ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        sessions.MapPost("/refresh", RefreshAsync).Accepts<RefreshRequest>("application/json");
        // The body is optional: the session's access token as a bearer token does as well.
        sessions.MapPost("/logout", LogoutAsync).Accepts<RefreshRequest>(isOptional: true, "application/json");
        return group;
    }

    private static async Task<Results<Ok<TokenPair>, ProblemHttpResult>> LoginAsync(
        TenantScope scope, JsonBody<LoginRequest> body, SignIn signIn, TenantSettingsCache cache, CancellationToken cancellationToken)
    {
        var lifetimes = await LifetimesAsync(cache, scope.TenantId, cancellationToken);
        return await signIn.StartAsync(scope.TenantId, body.Value.UserId!, lifetimes, cancellationToken) is { } tokens
            ? TypedResults.Ok(tokens)
            : ApiProblems.UserNotFound(body.Value.UserId!);
    }

    private static async Task<Results<Ok<TokenPair>, ProblemHttpResult>> RefreshAsync(
        JsonBody<RefreshRequest> body, ISessionStore sessions, ITenantStore tenants, TenantSettingsCache cache, CancellationToken cancellationToken)
    {
        if (body.Value.RefreshToken is not { Length: > 0 } token)
        {
            throw ApiProblems.InvalidField("refresh_token", "is required");
        }
        // The tenant, and so the token lifetimes, are known only from the token itself.
        if (await sessions.TenantOfAsync(token, cancellationToken) is not { } tenantId)
        {
            return Unauthorized("The refresh token is unknown, expired or revoked.");
        }
        // A suspended tenant's users keep their sessions, but get no new tokens until it is active again.
        if ((await tenants.GetAsync(tenantId, cancellationToken))?.Status == TenantStatus.Suspended)
        {
            return ApiProblems.Create(StatusCodes.Status403Forbidden, ProblemCodes.TenantSuspended, "Forbidden", $"Tenant '{tenantId}' is suspended.");
        }
        var (outcome, tokens) = await sessions.RefreshAsync(token, await LifetimesAsync(cache, tenantId, cancellationToken), cancellationToken);
        return outcome switch
        {
            RefreshOutcome.Rotated => TypedResults.Ok(tokens!),
            RefreshOutcome.Reused => Unauthorized("This refresh token was used before; the session is revoked. Sign in again."),
            _ => Unauthorized("The refresh token is unknown, expired or revoked."),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> LogoutAsync(
        HttpContext http, ISessionStore sessions, CancellationToken cancellationToken)
    {
        var bearer = http.Request.Headers.Authorization.ToString();
        var accessToken = bearer.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? bearer["Bearer ".Length..].Trim() : null;
        string? refreshToken = null;
        // A body may come with a length or chunked (the typed client's JSON content has no length).
        if (http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            refreshToken = (await JsonBody<RefreshRequest>.BindAsync(http, null!))!.Value.RefreshToken;
        }
        return await sessions.RevokeAsync(accessToken, refreshToken, cancellationToken)
            ? TypedResults.NoContent()
            : Unauthorized("Send the session's access token as a bearer token, or its refresh token.");
    }

    private static async Task<TokenLifetimes> LifetimesAsync(TenantSettingsCache cache, string tenantId, CancellationToken cancellationToken) =>
        Lifetimes(await cache.GetAsync(tenantId, cancellationToken));

    private static TokenLifetimes Lifetimes(Mnemo.Tenants.TenantSettings settings) =>
        new(TimeSpan.FromMinutes(settings.AccessTokenMinutes ?? 15), TimeSpan.FromDays(settings.RefreshTokenDays ?? 30));

    private static ProblemHttpResult Unauthorized(string detail) =>
        ApiProblems.Create(StatusCodes.Status401Unauthorized, ProblemCodes.InvalidCredentials, "Unauthorized", detail);
}
